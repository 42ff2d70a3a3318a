-- Accounts: the username keeps its registered spelling; uniqueness is on the lower-case form.
CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT    NOT NULL,
    username_normalized TEXT    NOT NULL UNIQUE,
    password_hash       TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    about               TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL  -- unix milliseconds
);

-- Devices are sessions: one bearer token each, stored only as its SHA-256.
-- AUTOINCREMENT so a revoked device id is never handed out again.
CREATE TABLE devices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   BLOB    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    platform     TEXT    NOT NULL,
    verified_by  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    last_ip      TEXT
);

CREATE INDEX devices_by_account ON devices (account_id);
