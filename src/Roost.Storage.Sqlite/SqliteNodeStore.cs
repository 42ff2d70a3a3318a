using Microsoft.Data.Sqlite;
using Roost.Core.Cluster;

namespace Roost.Storage.Sqlite;

/// <summary>The node registry on the single writer: each change is one transaction of plain statements.</summary>
internal sealed class SqliteNodeStore(SqliteStore store) : INodeStore
{
    public Task<IReadOnlyList<long>> RegisterAsync(NodeRecord node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        return store.WriteAsync<IReadOnlyList<long>>(context =>
        {
            // A node starting again under its name after a crash: its accounts were last seen at its last heartbeat.
            var beat = context.Command("SELECT heartbeat_at FROM nodes WHERE node_id = $node");
            beat.Parameters.AddWithValue("$node", node.NodeId);
            var lastBeat = beat.ExecuteScalar() is long ms ? ms : (long?)null;
            var held = ClearOnline(context, node.NodeId);
            if (lastBeat is { } at)
            {
                SetLastSeen(context, held, at);
            }

            var upsert = context.Command("""
                INSERT INTO nodes (node_id, address, started_at, heartbeat_at, connections, accounts)
                VALUES ($node, $address, $started, $started, 0, 0)
                ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at,
                    heartbeat_at = excluded.heartbeat_at, connections = 0, accounts = 0, ended_at = NULL, ended = NULL
                """);
            upsert.Parameters.AddWithValue("$node", node.NodeId);
            upsert.Parameters.AddWithValue("$address", node.Address);
            upsert.Parameters.AddWithValue("$started", SqliteTime.ToColumn(node.StartedAt));
            upsert.ExecuteNonQuery();
            return held;
        }, cancellationToken);
    }

    public Task<bool> BeatAsync(string nodeId, DateTimeOffset at, int connections, int accounts, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var beat = context.Command("""
                UPDATE nodes SET heartbeat_at = $at, connections = $connections, accounts = $accounts
                WHERE node_id = $node AND ended IS NULL
                """);
            beat.Parameters.AddWithValue("$node", nodeId);
            beat.Parameters.AddWithValue("$at", SqliteTime.ToColumn(at));
            beat.Parameters.AddWithValue("$connections", connections);
            beat.Parameters.AddWithValue("$accounts", accounts);
            return beat.ExecuteNonQuery() == 1;
        }, cancellationToken);

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
        return store.WriteAsync(context =>
        {
            var insert = context.Command("""
                INSERT INTO online_accounts (account_id, node_id, devices)
                SELECT $account, node_id, $devices FROM nodes
                WHERE node_id = $node AND ended IS NULL AND EXISTS (SELECT 1 FROM accounts WHERE id = $account)
                ON CONFLICT (account_id, node_id) DO UPDATE SET devices = excluded.devices
                """);
            insert.Parameters.AddWithValue("$node", nodeId);
            var inserted = insert.Parameters.Add("$account", SqliteType.Integer);
            var insertedDevices = insert.Parameters.Add("$devices", SqliteType.Text);
            foreach (var accountId in online)
            {
                inserted.Value = accountId;
                insertedDevices.Value = devices?.GetValueOrDefault(accountId) is { Length: > 0 } ids ? "," + string.Join(",", ids) + "," : "";
                insert.ExecuteNonQuery();
            }

            var delete = context.Command("DELETE FROM online_accounts WHERE node_id = $node AND account_id = $account");
            delete.Parameters.AddWithValue("$node", nodeId);
            var deleted = delete.Parameters.Add("$account", SqliteType.Integer);
            var seen = context.Command("UPDATE accounts SET last_seen_at = $at WHERE id = $account AND (last_seen_at IS NULL OR last_seen_at < $at)");
            seen.Parameters.AddWithValue("$at", SqliteTime.ToColumn(lastSeenAt));
            var seenAccount = seen.Parameters.Add("$account", SqliteType.Integer);
            foreach (var accountId in offline)
            {
                deleted.Value = accountId;
                delete.ExecuteNonQuery();
                seenAccount.Value = accountId;
                seen.ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken);
    }

    public Task<bool> IsDeviceOnlineElsewhereAsync(long accountId, long deviceId, string exceptNodeId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command("""
                SELECT 1 FROM online_accounts WHERE account_id = $account AND node_id <> $node AND instr(devices, $device) > 0
                """);
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$node", exceptNodeId);
            command.Parameters.AddWithValue("$device", "," + deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
            return command.ExecuteScalar() is not null;
        }, cancellationToken);

    public Task<IReadOnlyList<long>> OnlineOnAsync(string nodeId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(session =>
        {
            var command = session.Command("SELECT account_id FROM online_accounts WHERE node_id = $node");
            command.Parameters.AddWithValue("$node", nodeId);
            return command.ReadAll(row => row.GetInt64(0));
        }, cancellationToken);

    public Task<IReadOnlyList<long>> SweepAsync(DateTimeOffset heartbeatBefore, DateTimeOffset endedBefore, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<long>>(context =>
        {
            var find = context.Command("SELECT node_id, heartbeat_at FROM nodes WHERE ended IS NULL AND heartbeat_at < $before");
            find.Parameters.AddWithValue("$before", SqliteTime.ToColumn(heartbeatBefore));
            var dead = find.ReadAll(row => (NodeId: row.GetString(0), HeartbeatAt: row.GetInt64(1)));

            var cleared = new HashSet<long>();
            foreach (var (nodeId, heartbeatAt) in dead)
            {
                var end = context.Command("UPDATE nodes SET ended = 2, ended_at = heartbeat_at WHERE node_id = $node");
                end.Parameters.AddWithValue("$node", nodeId);
                end.ExecuteNonQuery();

                // The accounts' last seen is the node's last heartbeat, unless a later one is stored.
                var seen = context.Command("""
                    UPDATE accounts SET last_seen_at = $at
                    WHERE id IN (SELECT account_id FROM online_accounts WHERE node_id = $node)
                      AND (last_seen_at IS NULL OR last_seen_at < $at)
                    """);
                seen.Parameters.AddWithValue("$node", nodeId);
                seen.Parameters.AddWithValue("$at", heartbeatAt);
                seen.ExecuteNonQuery();
                cleared.UnionWith(ClearOnline(context, nodeId));
            }

            var prune = context.Command("DELETE FROM nodes WHERE ended IS NOT NULL AND ended_at < $ended");
            prune.Parameters.AddWithValue("$ended", SqliteTime.ToColumn(endedBefore));
            prune.ExecuteNonQuery();
            return [.. cleared];
        }, cancellationToken);

    public Task<IReadOnlyList<long>> StopAsync(string nodeId, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<long>>(context =>
        {
            var held = ClearOnline(context, nodeId);
            SetLastSeen(context, held, SqliteTime.ToColumn(at));
            var stop = context.Command("""
                UPDATE nodes SET ended = 1, ended_at = $at, heartbeat_at = $at, connections = 0, accounts = 0
                WHERE node_id = $node AND ended IS NULL
                """);
            stop.Parameters.AddWithValue("$node", nodeId);
            stop.Parameters.AddWithValue("$at", SqliteTime.ToColumn(at));
            stop.ExecuteNonQuery();
            return held;
        }, cancellationToken);

    public Task<IReadOnlyList<NodeRecord>> ListAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<NodeRecord>>(session => session.Command("""
                SELECT node_id, address, started_at, heartbeat_at, connections, accounts, ended_at, ended
                FROM nodes ORDER BY started_at DESC, node_id
                """)
            .ReadAll(row => new NodeRecord(
                row.GetString(0),
                row.GetString(1),
                SqliteTime.FromColumn(row.GetInt64(2)),
                SqliteTime.FromColumn(row.GetInt64(3)),
                row.GetInt32(4),
                row.GetInt32(5),
                row.IsDBNull(6) ? null : SqliteTime.FromColumn(row.GetInt64(6)),
                row.IsDBNull(7) ? null : (NodeEnd)row.GetInt32(7))), cancellationToken);

    public Task<IReadOnlySet<long>> OnlineAmongAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        if (accountIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<long>>(new HashSet<long>());
        }

        return store.ReadSnapshotAsync<IReadOnlySet<long>>(session =>
        {
            var online = new HashSet<long>();
            var command = session.Command("SELECT 1 FROM online_accounts WHERE account_id = $id LIMIT 1");
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            foreach (var accountId in accountIds)
            {
                id.Value = accountId;
                if (command.ExecuteScalar() is not null)
                {
                    online.Add(accountId);
                }
            }

            return online;
        }, cancellationToken);
    }

    private static void SetLastSeen(SqliteWriteContext context, List<long> accounts, long at)
    {
        var seen = context.Command("UPDATE accounts SET last_seen_at = $at WHERE id = $account AND (last_seen_at IS NULL OR last_seen_at < $at)");
        seen.Parameters.AddWithValue("$at", at);
        var account = seen.Parameters.Add("$account", SqliteType.Integer);
        foreach (var accountId in accounts)
        {
            account.Value = accountId;
            seen.ExecuteNonQuery();
        }
    }

    private static List<long> ClearOnline(SqliteWriteContext context, string nodeId)
    {
        var delete = context.Command("DELETE FROM online_accounts WHERE node_id = $node RETURNING account_id");
        delete.Parameters.AddWithValue("$node", nodeId);
        return delete.ReadAll(row => row.GetInt64(0));
    }
}
