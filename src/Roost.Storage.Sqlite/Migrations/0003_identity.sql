-- A verified phone number belongs to one account at a time.
ALTER TABLE accounts ADD COLUMN phone TEXT;
CREATE UNIQUE INDEX accounts_by_phone ON accounts (phone) WHERE phone IS NOT NULL;

-- One-time codes sent by SMS. Only a keyed hash of the code is kept; attempts are counted before checking.
CREATE TABLE one_time_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose    TEXT    NOT NULL,
    target     TEXT    NOT NULL,           -- the E.164 number the code went to
    code_hash  BLOB    NOT NULL,           -- empty when the provider keeps the code (Twilio Verify)
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX one_time_codes_by_target ON one_time_codes (purpose, target, id);

-- Every code sent, for the per-number and per-IP sending limits.
CREATE TABLE code_sends (
    target  TEXT    NOT NULL,
    ip      TEXT    NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE INDEX code_sends_by_target ON code_sends (target, sent_at);
CREATE INDEX code_sends_by_ip ON code_sends (ip, sent_at);

-- Second factors. The TOTP secret is AES-GCM encrypted; totp_last_step makes each code work once.
CREATE TABLE two_factor (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    totp_secret    BLOB,
    totp_confirmed INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    sms_enabled    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  BLOB    NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (account_id, code_hash)
) WITHOUT ROWID;

-- A log-in that passed its first factor and waits for the second. Identified by the SHA-256 of a random token.
CREATE TABLE login_challenges (
    token_hash   BLOB    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    first_factor TEXT    NOT NULL,
    device_name  TEXT    NOT NULL,
    platform     TEXT    NOT NULL,
    ip           TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
