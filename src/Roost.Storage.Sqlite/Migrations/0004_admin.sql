-- An operator can disable an account: it cannot log in, and its tokens stop working.
ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;
