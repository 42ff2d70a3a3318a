-- Uploads and media items: one row from the tus creation on (the media id is the upload id).
CREATE TABLE media (
    id            TEXT    NOT NULL PRIMARY KEY,   -- 32 lower-case hex digits, random
    account_id    INTEGER NOT NULL,               -- the uploader
    state         INTEGER NOT NULL,               -- MediaState: 0 uploading, 1 processing, 2 ready, 3 failed
    length        INTEGER,                        -- declared length; NULL while deferred
    received      INTEGER NOT NULL DEFAULT 0,     -- the tus offset: bytes durable in chunks
    metadata      TEXT,                           -- Upload-Metadata as sent (validated), echoed by HEAD
    file_name     TEXT,
    declared_type TEXT,
    content_type  TEXT,                           -- decided from the bytes
    size          INTEGER,                        -- of the stored (cleaned) file
    width         INTEGER,
    height        INTEGER,
    duration_ms   INTEGER,
    placeholder   TEXT,                           -- blurhash
    error         TEXT,                           -- why it failed (a MediaErrorCodes value)
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,                        -- uploading: give up then; finished and unattached: delete then
    job_due_at    INTEGER,                        -- processing: when the job may run (a lease while it runs)
    job_attempts  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX media_by_account ON media (account_id, state);
CREATE INDEX media_jobs_due ON media (job_due_at) WHERE state = 1;
CREATE INDEX media_expiring ON media (expires_at);

-- The chunks of an upload, each an object in the blob store; in offset order they are the file.
CREATE TABLE media_chunks (
    media_id TEXT    NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    start_offset INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    PRIMARY KEY (media_id, start_offset)
) WITHOUT ROWID;

-- Bytes each account created uploads for, per UTC day (a counter: deleting an upload gives nothing back).
CREATE TABLE media_daily_bytes (
    account_id INTEGER NOT NULL,
    day        INTEGER NOT NULL,                  -- unix ms of the UTC day's start
    bytes      INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

-- Content-addressed blobs. A blob is referenced by the files that name its key; one no file names is deleted by the
-- sweeper (state 2 while its object is being removed; a reservation then waits).
CREATE TABLE media_blobs (
    key         TEXT    NOT NULL PRIMARY KEY,
    size        INTEGER NOT NULL,
    state       INTEGER NOT NULL,                 -- 0 being written, 1 stored, 2 being deleted
    reserved_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The files of a media item: the cleaned original and its thumbnails.
CREATE TABLE media_files (
    media_id     TEXT    NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL,                -- full, thumb-256, ...
    key          TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER,
    height       INTEGER,
    PRIMARY KEY (media_id, role)
) WITHOUT ROWID;
CREATE INDEX media_files_by_key ON media_files (key);

-- Which messages carry which media: the reference that keeps media alive and decides who may fetch it. Gone with
-- the message's deletion, or with the conversation.
CREATE TABLE media_refs (
    media_id        TEXT    NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    PRIMARY KEY (media_id, conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX media_refs_by_message ON media_refs (conversation_id, seq);

-- Objects to delete from the blob store (chunks of finished or abandoned uploads).
CREATE TABLE media_trash (
    key TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

-- A message's attachments, as its events carry them (JSON, the wire form); NULL when it has none or was deleted.
ALTER TABLE messages ADD COLUMN attachments TEXT;
