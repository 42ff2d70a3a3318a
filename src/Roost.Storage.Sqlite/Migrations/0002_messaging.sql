-- Conversations: direct ones have a unique key of their two account ids, so there is exactly one per pair.
CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,            -- 'direct' | 'group'
    title      TEXT,
    direct_key TEXT    UNIQUE,              -- 'lowId:highId' for direct conversations
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0   -- the newest message's sequence number: seqs are gap-free
);

-- A member sees seq in (joined_seq, left_seq]; left_seq is NULL while a member.
CREATE TABLE conversation_members (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL,       -- 'owner' | 'admin' | 'member'
    joined_seq      INTEGER NOT NULL,
    left_seq        INTEGER,
    read_seq        INTEGER NOT NULL DEFAULT 0,
    delivered_seq   INTEGER NOT NULL DEFAULT 0,
    joined_at       INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
) WITHOUT ROWID;

CREATE INDEX members_by_account ON conversation_members (account_id, conversation_id);

CREATE TABLE messages (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender_id       INTEGER NOT NULL,
    client_id       TEXT    NOT NULL,
    body            TEXT,                   -- NULL once deleted: the row stays as a tombstone
    reply_to        INTEGER,
    sent_at         INTEGER NOT NULL,
    edited_at       INTEGER,
    deleted_at      INTEGER,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- Exactly-once: a sender's client id names one message.
CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_id);

CREATE TABLE reactions (
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    account_id      INTEGER NOT NULL,
    emoji           TEXT    NOT NULL,
    reacted_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq, account_id)
) WITHOUT ROWID;

-- Events, stored once in their wire form; the cursor is the id, strictly increasing in commit order.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    payload    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Who must see each event: one row per recipient, read back in cursor order per account.
CREATE TABLE event_recipients (
    account_id INTEGER NOT NULL,
    event_id   INTEGER NOT NULL,
    PRIMARY KEY (account_id, event_id)
) WITHOUT ROWID;

CREATE INDEX event_recipients_by_event ON event_recipients (event_id);

-- Events with id <= horizon were compacted away; a sync from an older cursor must resync.
CREATE TABLE event_log (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    horizon   INTEGER NOT NULL
);
INSERT INTO event_log (singleton, horizon) VALUES (1, 0);

ALTER TABLE accounts ADD COLUMN last_seen_at INTEGER;
ALTER TABLE accounts ADD COLUMN presence_hidden INTEGER NOT NULL DEFAULT 0;
