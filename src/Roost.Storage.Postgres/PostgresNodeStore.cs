using Roost.Core.Cluster;

namespace Roost.Storage.Postgres;

internal sealed class PostgresNodeStore(PostgresStore store) : INodeStore
{
    public Task<IReadOnlyList<long>> RegisterAsync(NodeRecord node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        return store.WriteAsync<IReadOnlyList<long>>(async context =>
        {
            // A node starting again under its name after a crash: its accounts were last seen at its last heartbeat.
            var lastBeat = await context.Command("SELECT heartbeat_at FROM nodes WHERE node_id = @node")
                .With("node", node.NodeId)
                .ReadFirstAsync(row => (DateTimeOffset?)row.GetTime(0));
            var held = await context.Command("DELETE FROM online_accounts WHERE node_id = @node RETURNING account_id")
                .With("node", node.NodeId)
                .ReadAllAsync(row => row.GetInt64(0));
            if (lastBeat is { } at)
            {
                await SetLastSeenAsync(context, held, at);
            }

            await context.Command("""
                    INSERT INTO nodes (node_id, address, started_at, heartbeat_at, connections, accounts)
                    VALUES (@node, @address, @started, @started, 0, 0)
                    ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at,
                        heartbeat_at = excluded.heartbeat_at, connections = 0, accounts = 0, ended_at = NULL, ended = NULL
                    """)
                .With("node", node.NodeId)
                .With("address", node.Address)
                .With("started", node.StartedAt)
                .RunAsync();
            return held;
        }, cancellationToken);
    }

    public Task<bool> BeatAsync(string nodeId, DateTimeOffset at, int connections, int accounts, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("""
                UPDATE nodes SET heartbeat_at = @at, connections = @connections, accounts = @accounts
                WHERE node_id = @node AND ended IS NULL
                """)
            .With("node", nodeId)
            .With("at", at)
            .With("connections", connections)
            .With("accounts", accounts)
            .RunAsync() == 1, cancellationToken);

    public Task SetOnlineAsync(
        string nodeId,
        IReadOnlyList<long> online,
        IReadOnlyList<long> offline,
        DateTimeOffset lastSeenAt,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<long, long[]>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(offline);
        return store.WriteAsync(async context =>
        {
            if (online.Count > 0)
            {
                // Each account's devices as one comma list (a jagged array does not bind): split back per row.
                await context.Command("""
                        INSERT INTO online_accounts (account_id, node_id, devices)
                        SELECT a.id, n.node_id, COALESCE(string_to_array(NULLIF(d.list, ''), ',')::bigint[], '{}')
                        FROM unnest(@accounts, @devices) AS d(account, list)
                        JOIN accounts a ON a.id = d.account
                        JOIN nodes n ON n.node_id = @node AND n.ended IS NULL
                        ON CONFLICT (account_id, node_id) DO UPDATE SET devices = excluded.devices
                        """)
                    .With("accounts", online.ToArray())
                    .With("devices", online.Select(id => string.Join(",", devices?.GetValueOrDefault(id) ?? [])).ToArray())
                    .With("node", nodeId)
                    .RunAsync();
            }

            if (offline.Count > 0)
            {
                await context.Command("DELETE FROM online_accounts WHERE node_id = @node AND account_id = ANY(@accounts)")
                    .With("accounts", offline.ToArray())
                    .With("node", nodeId)
                    .RunAsync();
                await context.Command("UPDATE accounts SET last_seen_at = @at WHERE id = ANY(@accounts) AND (last_seen_at IS NULL OR last_seen_at < @at)")
                    .With("accounts", offline.ToArray())
                    .With("at", lastSeenAt)
                    .RunAsync();
            }

            return 0;
        }, cancellationToken);
    }

    public Task<bool> IsDeviceOnlineElsewhereAsync(long accountId, long deviceId, string exceptNodeId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command(
                "SELECT 1 FROM online_accounts WHERE account_id = @account AND node_id <> @node AND @device = ANY(devices)")
            .With("account", accountId)
            .With("node", exceptNodeId)
            .With("device", deviceId)
            .ScalarAsync() is not null, cancellationToken);

    public Task<IReadOnlyList<long>> OnlineOnAsync(string nodeId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(async session => await session.Command("SELECT account_id FROM online_accounts WHERE node_id = @node")
            .With("node", nodeId)
            .ReadAllAsync(row => row.GetInt64(0)), cancellationToken);

    public Task<IReadOnlyList<long>> SweepAsync(DateTimeOffset heartbeatBefore, DateTimeOffset endedBefore, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<long>>(async context =>
        {
            // One statement: the nodes declared dead, their accounts' last seen (the node's last heartbeat, when later
            // than what is stored), and their online rows, so two sweeping nodes never clear one node twice.
            var cleared = await context.Command("""
                    WITH dead AS (
                        UPDATE nodes SET ended = 2, ended_at = heartbeat_at
                        WHERE ended IS NULL AND heartbeat_at < @before
                        RETURNING node_id, heartbeat_at),
                    gone AS (
                        DELETE FROM online_accounts o USING dead d WHERE o.node_id = d.node_id
                        RETURNING o.account_id, d.heartbeat_at),
                    seen AS (
                        UPDATE accounts a SET last_seen_at = g.at
                        FROM (SELECT account_id, max(heartbeat_at) AS at FROM gone GROUP BY account_id) g
                        WHERE a.id = g.account_id AND (a.last_seen_at IS NULL OR a.last_seen_at < g.at)
                        RETURNING a.id)
                    SELECT DISTINCT account_id FROM gone
                    """)
                .With("before", heartbeatBefore)
                .ReadAllAsync(row => row.GetInt64(0));
            await context.Command("DELETE FROM nodes WHERE ended IS NOT NULL AND ended_at < @ended")
                .With("ended", endedBefore)
                .RunAsync();
            return cleared;
        }, cancellationToken);

    public Task<IReadOnlyList<long>> StopAsync(string nodeId, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<long>>(async context =>
        {
            var held = await context.Command("DELETE FROM online_accounts WHERE node_id = @node RETURNING account_id")
                .With("node", nodeId)
                .ReadAllAsync(row => row.GetInt64(0));
            await SetLastSeenAsync(context, held, at);
            await context.Command("UPDATE nodes SET ended = 1, ended_at = @at, heartbeat_at = @at, connections = 0, accounts = 0 WHERE node_id = @node AND ended IS NULL")
                .With("node", nodeId)
                .With("at", at)
                .RunAsync();
            return held;
        }, cancellationToken);

    private static async Task SetLastSeenAsync(PostgresWriteContext context, List<long> accounts, DateTimeOffset at)
    {
        if (accounts.Count > 0)
        {
            await context.Command("UPDATE accounts SET last_seen_at = @at WHERE id = ANY(@accounts) AND (last_seen_at IS NULL OR last_seen_at < @at)")
                .With("accounts", accounts.ToArray())
                .With("at", at)
                .RunAsync();
        }
    }

    public Task<IReadOnlyList<NodeRecord>> ListAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<NodeRecord>>(async session => await session.Command("""
                SELECT node_id, address, started_at, heartbeat_at, connections, accounts, ended_at, ended
                FROM nodes ORDER BY started_at DESC, node_id
                """)
            .ReadAllAsync(row => new NodeRecord(
                row.GetString(0),
                row.GetString(1),
                row.GetTime(2),
                row.GetTime(3),
                row.GetInt32(4),
                row.GetInt32(5),
                row.GetTimeOrNull(6),
                row.IsDBNull(7) ? null : (NodeEnd)row.GetInt16(7))), cancellationToken);

    public Task<IReadOnlySet<long>> OnlineAmongAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        if (accountIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<long>>(new HashSet<long>());
        }

        return store.ReadSnapshotAsync<IReadOnlySet<long>>(async session => (await session.Command(
                "SELECT DISTINCT account_id FROM online_accounts WHERE account_id = ANY(@ids)")
            .With("ids", accountIds.ToArray())
            .ReadAllAsync(row => row.GetInt64(0))).ToHashSet(), cancellationToken);
    }
}
