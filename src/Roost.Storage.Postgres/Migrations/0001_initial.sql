-- The schema of SQLite migrations 0001-0006 in PostgreSQL's types: identity columns instead of AUTOINCREMENT
-- (never reused), bytea for hashes, timestamptz for times, booleans for flags.

CREATE TABLE accounts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text        NOT NULL,
    username_normalized text        NOT NULL UNIQUE,
    password_hash       text        NOT NULL,
    display_name        text        NOT NULL,
    about               text        NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    phone               text,
    disabled_at         timestamptz,
    last_seen_at        timestamptz,
    presence_hidden     boolean     NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX accounts_by_phone ON accounts (phone) WHERE phone IS NOT NULL;

-- Devices are sessions: one bearer token each, stored only as its SHA-256.
CREATE TABLE devices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   bytea       NOT NULL UNIQUE,
    name         text        NOT NULL,
    platform     text        NOT NULL,
    verified_by  text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    last_ip      text
);
CREATE INDEX devices_by_account ON devices (account_id);

CREATE TABLE conversations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL,            -- 'direct' | 'group'
    title      text,
    direct_key text        UNIQUE,              -- 'lowId:highId' for direct conversations
    created_by bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    last_seq   bigint      NOT NULL DEFAULT 0   -- the newest message's sequence number; raised only under the append lock, so gap-free
);

-- A member sees seq in (joined_seq, left_seq]; left_seq is NULL while a member.
CREATE TABLE conversation_members (
    conversation_id bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    account_id      bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role            text        NOT NULL,
    joined_seq      bigint      NOT NULL,
    left_seq        bigint,
    read_seq        bigint      NOT NULL DEFAULT 0,
    delivered_seq   bigint      NOT NULL DEFAULT 0,
    joined_at       timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX members_by_account ON conversation_members (account_id, conversation_id);

CREATE TABLE messages (
    conversation_id bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL,
    sender_id       bigint      NOT NULL,
    client_id       text        NOT NULL,
    body            text,                   -- NULL once deleted: the row stays as a tombstone
    reply_to        bigint,
    sent_at         timestamptz NOT NULL,
    edited_at       timestamptz,
    deleted_at      timestamptz,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_id);

CREATE TABLE reactions (
    conversation_id bigint      NOT NULL,
    seq             bigint      NOT NULL,
    account_id      bigint      NOT NULL,
    emoji           text        NOT NULL,
    reacted_at      timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq, account_id)
);

-- Events, stored once in their wire form. The cursor is the id. Ids come from a sequence but are only taken while
-- holding the append lock (see PostgresWriter), so they become visible in id order whichever node commits them.
CREATE TABLE events (
    id         bigint      PRIMARY KEY,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
-- CACHE 1 (the default) is part of the ordering rule: a cache would hand each session its own range of ids ahead of time.
CREATE SEQUENCE event_ids AS bigint CACHE 1;

CREATE TABLE event_recipients (
    account_id bigint NOT NULL,
    event_id   bigint NOT NULL,
    PRIMARY KEY (account_id, event_id)
);
CREATE INDEX event_recipients_by_event ON event_recipients (event_id);

-- Events with id <= horizon were compacted away; a sync from an older cursor must resync.
CREATE TABLE event_log (
    singleton boolean PRIMARY KEY CHECK (singleton),
    horizon   bigint  NOT NULL
);
INSERT INTO event_log (singleton, horizon) VALUES (true, 0);

-- One-time codes sent by SMS. Only a keyed hash of the code is kept; attempts are counted before checking.
CREATE TABLE one_time_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose    text        NOT NULL,
    target     text        NOT NULL,
    code_hash  bytea       NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    used       boolean     NOT NULL DEFAULT false
);
CREATE INDEX one_time_codes_by_target ON one_time_codes (purpose, target, id);

-- Every code sent, for the per-number, per-IP and per-country sending limits.
CREATE TABLE code_sends (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target  text        NOT NULL,
    ip      text        NOT NULL,
    sent_at timestamptz NOT NULL,
    country text
);
CREATE INDEX code_sends_by_target ON code_sends (target, sent_at);
CREATE INDEX code_sends_by_ip ON code_sends (ip, sent_at);
CREATE INDEX code_sends_by_country ON code_sends (country, sent_at) WHERE country IS NOT NULL;

CREATE TABLE two_factor (
    account_id     bigint  PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    totp_secret    bytea,
    totp_confirmed boolean NOT NULL DEFAULT false,
    totp_last_step bigint  NOT NULL DEFAULT 0,
    sms_enabled    boolean NOT NULL DEFAULT false
);

CREATE TABLE recovery_codes (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  bytea  NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE login_challenges (
    token_hash   bytea       PRIMARY KEY,
    account_id   bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    first_factor text        NOT NULL,
    device_name  text        NOT NULL,
    platform     text        NOT NULL,
    ip           text,
    attempts     integer     NOT NULL DEFAULT 0,
    expires_at   timestamptz NOT NULL
);

-- Reports keep their own copy of the reported message; no foreign keys, they outlive both accounts.
CREATE TABLE reports (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind               text        NOT NULL,
    reason             text        NOT NULL,
    comment            text,
    reporter_id        bigint      NOT NULL,
    reporter_username  text        NOT NULL,
    target_id          bigint      NOT NULL,
    target_username    text        NOT NULL,
    conversation_id    bigint,
    seq                bigint,
    conversation_kind  text,
    conversation_title text,
    message_body       text,
    message_sent_at    timestamptz,
    message_edited_at  timestamptz,
    message_reply_to   bigint,
    created_at         timestamptz NOT NULL,
    resolved_at        timestamptz,
    resolved_by        text,
    resolution         text,
    resolution_note    text
);
CREATE UNIQUE INDEX reports_open_by_reporter_target
    ON reports (reporter_id, kind, target_id, COALESCE(conversation_id, 0), COALESCE(seq, 0))
    WHERE resolved_at IS NULL;
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_open ON reports (id) WHERE resolved_at IS NULL;

-- Fixed-window attempt counters (log-in lockout, password checks, second factors), shared by every node.
-- One row per key while its window lasts; rows whose window ended are deleted by a periodic prune (by window_end).
CREATE TABLE attempt_counters (
    key        text        PRIMARY KEY,     -- e.g. 'account:alice', 'second-factor:42'; never a secret
    count      integer     NOT NULL,
    window_end timestamptz NOT NULL
);
CREATE INDEX attempt_counters_by_end ON attempt_counters (window_end);
