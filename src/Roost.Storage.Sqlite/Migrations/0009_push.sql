-- Where each device's pushes go: one target per device, gone with the device (log-out, revocation).
CREATE TABLE push_targets (
    device_id     INTEGER NOT NULL PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    platform      INTEGER NOT NULL,           -- PushPlatform: 1 apns, 2 fcm, 3 webpush
    token         TEXT    NOT NULL,           -- APNs hex token, FCM token, or the Web Push endpoint
    app           TEXT    NOT NULL,           -- APNs topic, FCM project, Web Push origin
    sandbox       INTEGER NOT NULL DEFAULT 0,
    voip          INTEGER NOT NULL DEFAULT 0,
    p256dh        BLOB,
    auth          BLOB,
    registered_at INTEGER NOT NULL            -- unix ms
);
CREATE INDEX push_targets_by_account ON push_targets (account_id);
-- A token belongs to one device: registering it on another takes it from the first.
CREATE UNIQUE INDEX push_targets_by_token ON push_targets (platform, token);

-- The durable push queue: at most one job per device and conversation (later messages raise seq and cursor; after
-- a push the row stays quiet until the coalescing window ends, so the next message waits for it).
CREATE TABLE push_jobs (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER NOT NULL REFERENCES push_targets (device_id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,         -- the newest message coalesced into the job
    cursor          INTEGER NOT NULL,         -- its event cursor
    messages        INTEGER NOT NULL,         -- messages since the last push
    state           INTEGER NOT NULL,         -- 0 pending, 1 leased (being sent), 2 dead letter, 3 quiet (pushed; due_at ends the coalescing window)
    due_at          INTEGER NOT NULL,         -- unix ms
    lease_until     INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX push_jobs_by_device ON push_jobs (device_id, conversation_id);
CREATE INDEX push_jobs_due ON push_jobs (state, due_at);

-- The opt-in to message previews in pushes (ids and counts only without it).
ALTER TABLE accounts ADD COLUMN push_previews INTEGER NOT NULL DEFAULT 0;

-- Which devices of an online account are connected to the node (',12,34,'), so a push skips a device connected
-- anywhere in a cluster.
ALTER TABLE online_accounts ADD COLUMN devices TEXT NOT NULL DEFAULT '';
