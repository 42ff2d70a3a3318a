-- The node registry: every node of the cluster, its heartbeat, and how it ended. A node whose heartbeat is older than
-- the configured time is declared dead by whichever node sweeps first.
CREATE TABLE nodes (
    node_id      text        PRIMARY KEY,
    address      text        NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    connections  integer     NOT NULL DEFAULT 0, -- at the last heartbeat
    accounts     integer     NOT NULL DEFAULT 0, -- at the last heartbeat
    ended_at     timestamptz,
    ended        smallint                        -- 1 stopped, 2 dead (NodeEnd); null while running
);
CREATE INDEX nodes_running_by_heartbeat ON nodes (heartbeat_at) WHERE ended IS NULL;

-- Which accounts have a live connection on which node: online on any node is online. Cleared with the node.
CREATE TABLE online_accounts (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    node_id    text   NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, node_id)
);
CREATE INDEX online_accounts_by_node ON online_accounts (node_id);
