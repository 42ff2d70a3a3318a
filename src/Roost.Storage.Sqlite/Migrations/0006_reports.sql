-- Reports of a message or an account, for operators to review. No foreign keys: a report outlives the reporter's and
-- the target's accounts, and keeps its own copy of the reported message (message_*), taken when the report was made,
-- so a later edit or delete by the sender does not change what the operator reviews.
CREATE TABLE reports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT    NOT NULL,     -- 'message' | 'account'
    reason            TEXT    NOT NULL,     -- a ReportReasons value
    comment           TEXT,
    reporter_id       INTEGER NOT NULL,
    reporter_username TEXT    NOT NULL,
    target_id         INTEGER NOT NULL,     -- the reported account; for a message, its sender
    target_username   TEXT    NOT NULL,
    conversation_id   INTEGER,              -- message reports only, like every message_* column
    seq               INTEGER,
    conversation_kind TEXT,
    conversation_title TEXT,
    message_body      TEXT,
    message_sent_at   INTEGER,
    message_edited_at INTEGER,
    message_reply_to  INTEGER,
    created_at        INTEGER NOT NULL,
    resolved_at       INTEGER,              -- NULL while open
    resolved_by       TEXT,
    resolution        TEXT,                 -- 'dismissed' | 'actioned'
    resolution_note   TEXT
);

-- One open report per reporter and target: a repeat is answered with the first.
CREATE UNIQUE INDEX reports_open_by_reporter_target
    ON reports (reporter_id, kind, target_id, COALESCE(conversation_id, 0), COALESCE(seq, 0))
    WHERE resolved_at IS NULL;

-- The per-reporter limits: reports made in the last window, and reports still open.
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);

-- The operators' queue, oldest first.
CREATE INDEX reports_open ON reports (id) WHERE resolved_at IS NULL;
