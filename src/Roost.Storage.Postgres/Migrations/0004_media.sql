-- Uploads and media items: one row from the tus creation on (the media id is the upload id). See SQLite 0010.
CREATE TABLE media (
    id            text        PRIMARY KEY,        -- 32 lower-case hex digits, random
    account_id    bigint      NOT NULL,           -- the uploader
    state         smallint    NOT NULL,           -- MediaState: 0 uploading, 1 processing, 2 ready, 3 failed
    length        bigint,                         -- declared length; NULL while deferred
    received      bigint      NOT NULL DEFAULT 0, -- the tus offset: bytes durable in chunks
    metadata      text,
    file_name     text,
    declared_type text,
    content_type  text,                           -- decided from the bytes
    size          bigint,
    width         integer,
    height        integer,
    duration_ms   bigint,
    placeholder   text,
    error         text,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,                    -- uploading: give up then; finished and unattached: delete then
    job_due_at    timestamptz,                    -- processing: when the job may run (a lease while it runs)
    job_attempts  integer     NOT NULL DEFAULT 0
);
CREATE INDEX media_by_account ON media (account_id, state);
CREATE INDEX media_jobs_due ON media (job_due_at) WHERE state = 1;
CREATE INDEX media_expiring ON media (expires_at);

CREATE TABLE media_chunks (
    media_id     text   NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    start_offset bigint NOT NULL,
    length       bigint NOT NULL,
    key          text   NOT NULL,
    PRIMARY KEY (media_id, start_offset)
);

CREATE TABLE media_daily_bytes (
    account_id bigint      NOT NULL,
    day        timestamptz NOT NULL,
    bytes      bigint      NOT NULL,
    PRIMARY KEY (account_id, day)
);

CREATE TABLE media_blobs (
    key         text        PRIMARY KEY,
    size        bigint      NOT NULL,
    state       smallint    NOT NULL,             -- 0 being written, 1 stored, 2 being deleted
    reserved_at timestamptz NOT NULL
);

CREATE TABLE media_files (
    media_id     text    NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    role         text    NOT NULL,
    key          text    NOT NULL,
    content_type text    NOT NULL,
    size         bigint  NOT NULL,
    width        integer,
    height       integer,
    PRIMARY KEY (media_id, role)
);
CREATE INDEX media_files_by_key ON media_files (key);

CREATE TABLE media_refs (
    media_id        text   NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    conversation_id bigint NOT NULL,
    seq             bigint NOT NULL,
    PRIMARY KEY (media_id, conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
);
CREATE INDEX media_refs_by_message ON media_refs (conversation_id, seq);

CREATE TABLE media_trash (
    key text PRIMARY KEY
);

ALTER TABLE messages ADD COLUMN attachments text;
