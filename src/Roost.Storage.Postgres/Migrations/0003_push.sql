-- Where each device's pushes go: one target per device, gone with the device (log-out, revocation).
CREATE TABLE push_targets (
    device_id     bigint      PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    account_id    bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    platform      smallint    NOT NULL,       -- PushPlatform: 1 apns, 2 fcm, 3 webpush
    token         text        NOT NULL,       -- APNs hex token, FCM token, or the Web Push endpoint
    app           text        NOT NULL,       -- APNs topic, FCM project, Web Push origin
    sandbox       boolean     NOT NULL DEFAULT false,
    voip          boolean     NOT NULL DEFAULT false,
    p256dh        bytea,
    auth          bytea,
    registered_at timestamptz NOT NULL
);
CREATE INDEX push_targets_by_account ON push_targets (account_id);
-- A token belongs to one device: registering it on another takes it from the first.
CREATE UNIQUE INDEX push_targets_by_token ON push_targets (platform, token);

-- The durable push queue: at most one job per device and conversation (later messages raise seq and cursor; after
-- a push the row stays quiet until the coalescing window ends, so the next message waits for it).
CREATE TABLE push_jobs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id       bigint      NOT NULL REFERENCES push_targets (device_id) ON DELETE CASCADE,
    account_id      bigint      NOT NULL,
    conversation_id bigint      NOT NULL,
    seq             bigint      NOT NULL,     -- the newest message coalesced into the job
    cursor          bigint      NOT NULL,     -- its event cursor
    messages        integer     NOT NULL,     -- messages since the last push
    state           smallint    NOT NULL,     -- 0 pending, 1 leased (being sent), 2 dead letter, 3 quiet (pushed; due_at ends the coalescing window)
    due_at          timestamptz NOT NULL,
    lease_until     timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX push_jobs_by_device ON push_jobs (device_id, conversation_id);
CREATE INDEX push_jobs_due ON push_jobs (state, due_at);

-- The opt-in to message previews in pushes (ids and counts only without it).
ALTER TABLE accounts ADD COLUMN push_previews boolean NOT NULL DEFAULT false;

-- Which devices of an online account are connected to the node, so a push skips a device connected anywhere.
ALTER TABLE online_accounts ADD COLUMN devices bigint[] NOT NULL DEFAULT '{}';
