-- The node registry: every node that served this database, its heartbeat, and how it ended. On SQLite that is one
-- node at a time (the store refuses a second process), kept so operators see restarts and crashes the same way.
CREATE TABLE nodes (
    node_id      TEXT    NOT NULL PRIMARY KEY,
    address      TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,           -- unix ms
    heartbeat_at INTEGER NOT NULL,           -- unix ms
    connections  INTEGER NOT NULL DEFAULT 0, -- at the last heartbeat
    accounts     INTEGER NOT NULL DEFAULT 0, -- at the last heartbeat
    ended_at     INTEGER,                    -- unix ms
    ended        INTEGER                     -- 1 stopped, 2 dead (NodeEnd); null while running
) WITHOUT ROWID;

-- Which accounts have a live connection on which node. Cleared with the node.
CREATE TABLE online_accounts (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    node_id    TEXT    NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, node_id)
) WITHOUT ROWID;
CREATE INDEX online_accounts_by_node ON online_accounts (node_id);
