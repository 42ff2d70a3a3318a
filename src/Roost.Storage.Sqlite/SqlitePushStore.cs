using Microsoft.Data.Sqlite;
using Roost.Core.Push;

namespace Roost.Storage.Sqlite;

/// <summary>Push targets and the push queue on the single writer; reads of the queue are writes too (claims lease rows).</summary>
internal sealed class SqlitePushStore(SqliteStore store) : IPushStore
{
    public Task<bool> RegisterAsync(PushTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return store.WriteAsync(context =>
        {
            var taken = context.Command("DELETE FROM push_targets WHERE platform = $platform AND token = $token AND device_id <> $device");
            taken.Parameters.AddWithValue("$platform", (int)target.Platform);
            taken.Parameters.AddWithValue("$token", target.Token);
            taken.Parameters.AddWithValue("$device", target.DeviceId);
            taken.ExecuteNonQuery();

            var upsert = context.Command("""
                INSERT INTO push_targets (device_id, account_id, platform, token, app, sandbox, voip, p256dh, auth, registered_at)
                SELECT id, account_id, $platform, $token, $app, $sandbox, $voip, $p256dh, $auth, $at FROM devices WHERE id = $device AND account_id = $account
                ON CONFLICT (device_id) DO UPDATE SET platform = excluded.platform, token = excluded.token, app = excluded.app,
                    sandbox = excluded.sandbox, voip = excluded.voip, p256dh = excluded.p256dh, auth = excluded.auth,
                    registered_at = excluded.registered_at
                """);
            upsert.Parameters.AddWithValue("$device", target.DeviceId);
            upsert.Parameters.AddWithValue("$account", target.AccountId);
            upsert.Parameters.AddWithValue("$platform", (int)target.Platform);
            upsert.Parameters.AddWithValue("$token", target.Token);
            upsert.Parameters.AddWithValue("$app", target.App);
            upsert.Parameters.AddWithValue("$sandbox", target.Sandbox);
            upsert.Parameters.AddWithValue("$voip", target.Voip);
            upsert.Parameters.AddWithValue("$p256dh", (object?)target.P256dh ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$auth", (object?)target.Auth ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$at", SqliteTime.ToColumn(target.RegisteredAt));
            return upsert.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public Task<PushTarget?> GetAsync(long deviceId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var read = session.Command($"SELECT {TargetColumns} FROM push_targets t WHERE t.device_id = $device");
            read.Parameters.AddWithValue("$device", deviceId);
            return read.ReadAll(reader => ReadTarget(reader, 0)).FirstOrDefault();
        }, cancellationToken);

    public Task<bool> UnregisterAsync(long deviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var delete = context.Command("DELETE FROM push_targets WHERE device_id = $device");
            delete.Parameters.AddWithValue("$device", deviceId);
            return delete.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task SetPreviewsAsync(long accountId, bool previews, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var update = context.Command("UPDATE accounts SET push_previews = $previews WHERE id = $account");
            update.Parameters.AddWithValue("$account", accountId);
            update.Parameters.AddWithValue("$previews", previews);
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> GetPreviewsAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var read = session.Command("SELECT push_previews FROM accounts WHERE id = $account");
            read.Parameters.AddWithValue("$account", accountId);
            return read.ExecuteScalar() is long value && value != 0;
        }, cancellationToken);

    public Task<IReadOnlyList<PushJob>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, IReadOnlyCollection<PushPlatform> platforms, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<PushJob>>(context =>
        {
            // Quiet jobs whose window is over hold nothing any more.
            var expired = context.Command("DELETE FROM push_jobs WHERE state = 3 AND due_at <= $now");
            expired.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            expired.ExecuteNonQuery();

            // One job per device (SQLite's bare column beside MIN() is the row with the earliest due time), none for a
            // device whose earlier push is still leased; a lease that ran out (its node died) is due again. Each part
            // walks the due index only as far as it needs ($scan rows that pass), so a claim costs the same with a
            // hundred thousand jobs waiting as with ten: the writer it runs on also serves every send. CROSS JOIN keeps
            // the jobs' due index as the outer loop (SQLite would otherwise start from the targets and sort them all).
            var candidates = context.Command("""
                SELECT id, MIN(due) FROM (
                    SELECT * FROM (
                        SELECT j.id, j.device_id, j.due_at AS due FROM push_jobs j CROSS JOIN push_targets t ON t.device_id = j.device_id
                        WHERE j.state = 0 AND j.due_at <= $now
                          AND t.platform IN (SELECT value FROM json_each($platforms))
                          AND NOT EXISTS (SELECT 1 FROM push_jobs b WHERE b.device_id = j.device_id AND b.state = 1 AND b.lease_until > $now)
                        ORDER BY j.due_at LIMIT $scan)
                    UNION ALL
                    SELECT * FROM (
                        SELECT j.id, j.device_id, j.lease_until AS due FROM push_jobs j CROSS JOIN push_targets t ON t.device_id = j.device_id
                        WHERE j.state = 1 AND j.lease_until <= $now
                          AND t.platform IN (SELECT value FROM json_each($platforms))
                          AND NOT EXISTS (SELECT 1 FROM push_jobs b WHERE b.device_id = j.device_id AND b.state = 1 AND b.lease_until > $now)
                        ORDER BY j.lease_until LIMIT $scan))
                GROUP BY device_id ORDER BY MIN(due) LIMIT $limit
                """);
            candidates.Parameters.AddWithValue("$scan", limit * 4);
            candidates.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            candidates.Parameters.AddWithValue("$limit", limit);
            candidates.Parameters.AddWithValue("$platforms", "[" + string.Join(",", platforms.Select(p => (int)p)) + "]");
            var ids = candidates.ReadAll(reader => reader.GetInt64(0));
            if (ids.Count == 0)
            {
                return [];
            }

            // Leased and loaded in one statement each, not one per job: the writer this runs on also serves every send.
            var chosen = "[" + string.Join(",", ids) + "]";
            var lease = context.Command("UPDATE push_jobs SET state = 1, lease_until = $until, updated_at = $now WHERE id IN (SELECT value FROM json_each($ids))");
            lease.Parameters.AddWithValue("$ids", chosen);
            lease.Parameters.AddWithValue("$until", SqliteTime.ToColumn(leaseUntil));
            lease.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            lease.ExecuteNonQuery();
            var load = context.Command($"""
                SELECT j.id, j.conversation_id, j.seq, j.cursor, j.messages, j.attempts,
                       COALESCE(c.last_seq - MAX(m.read_seq, m.joined_seq), 0),
                       s.username, msg.body, {TargetColumns}, j.lease_until
                FROM push_jobs j
                JOIN push_targets t ON t.device_id = j.device_id
                JOIN accounts a ON a.id = j.account_id
                LEFT JOIN conversations c ON c.id = j.conversation_id
                LEFT JOIN conversation_members m ON m.conversation_id = j.conversation_id AND m.account_id = j.account_id
                LEFT JOIN messages msg ON a.push_previews = 1 AND msg.conversation_id = j.conversation_id AND msg.seq = j.seq
                LEFT JOIN accounts s ON s.id = msg.sender_id
                WHERE j.id IN (SELECT value FROM json_each($ids))
                ORDER BY j.due_at
                """);
            load.Parameters.AddWithValue("$ids", chosen);
            var jobs = load.ReadAll(reader => new PushJob(
                reader.GetInt64(0),
                ReadTarget(reader, 9),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                Math.Max(0, reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : new PushPreview(reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)),
                SqliteTime.FromColumn(reader.GetInt64(19))));

            return jobs;
        }, cancellationToken);

    public Task CompleteAsync(PushJob job, PushCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(completion);
        return store.WriteAsync(context =>
        {
            switch (completion.Kind)
            {
                case PushCompletionKind.Sent:
                    // Quiet until the window ends: a later message waits for it. Messages that came meanwhile wait too.
                    var sent = Command(context, """
                        UPDATE push_jobs SET state = CASE WHEN cursor = $cursor THEN 3 ELSE 0 END,
                            messages = CASE WHEN cursor = $cursor THEN 0 ELSE MAX(1, messages - $sent) END,
                            due_at = $due, lease_until = NULL, attempts = 0, last_error = NULL, updated_at = $now
                        WHERE id = $id AND state = 1 AND lease_until = $lease
                        """, job);
                    sent.Parameters.AddWithValue("$cursor", job.Cursor);
                    sent.Parameters.AddWithValue("$sent", job.Messages);
                    sent.Parameters.AddWithValue("$due", SqliteTime.ToColumn(completion.DueAt));
                    sent.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                    sent.ExecuteNonQuery();
                    break;
                case PushCompletionKind.Skipped:
                    // The device is connected: done, unless a message came meanwhile (it is checked again).
                    var skipped = Command(context, "DELETE FROM push_jobs WHERE id = $id AND state = 1 AND lease_until = $lease AND cursor = $cursor", job);
                    skipped.Parameters.AddWithValue("$cursor", job.Cursor);
                    if (skipped.ExecuteNonQuery() == 0)
                    {
                        var again = Command(context, "UPDATE push_jobs SET state = 0, lease_until = NULL, due_at = $now, updated_at = $now WHERE id = $id AND state = 1 AND lease_until = $lease", job);
                        again.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                        again.ExecuteNonQuery();
                    }

                    break;
                case PushCompletionKind.Retry:
                    var retry = Command(context, """
                        UPDATE push_jobs SET state = 0, lease_until = NULL, due_at = $due, attempts = attempts + $counts,
                            last_error = $error, updated_at = $now
                        WHERE id = $id AND state = 1 AND lease_until = $lease
                        """, job);
                    retry.Parameters.AddWithValue("$due", SqliteTime.ToColumn(completion.DueAt));
                    retry.Parameters.AddWithValue("$counts", completion.CountsAsAttempt ? 1 : 0);
                    retry.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
                    retry.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                    retry.ExecuteNonQuery();
                    break;
                case PushCompletionKind.Dead:
                    // Given up, unless newer messages were coalesced into it meanwhile: they get their own attempts.
                    var dead = Command(context, """
                        UPDATE push_jobs SET state = CASE WHEN cursor = $cursor THEN 2 ELSE 0 END,
                            attempts = CASE WHEN cursor = $cursor THEN attempts + 1 ELSE 0 END,
                            due_at = CASE WHEN cursor = $cursor THEN due_at ELSE $now END,
                            lease_until = NULL, last_error = $error, updated_at = $now
                        WHERE id = $id AND state = 1 AND lease_until = $lease
                        """, job);
                    dead.Parameters.AddWithValue("$cursor", job.Cursor);
                    dead.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
                    dead.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                    dead.ExecuteNonQuery();
                    break;
                case PushCompletionKind.TargetGone:
                    // The token that failed, unless the device registered (again) after the provider knew it invalid.
                    var gone = context.Command("""
                        DELETE FROM push_targets WHERE device_id = $device AND platform = $platform AND token = $token
                            AND ($invalidated IS NULL OR registered_at <= $invalidated)
                        """);
                    gone.Parameters.AddWithValue("$device", job.Target.DeviceId);
                    gone.Parameters.AddWithValue("$platform", (int)job.Target.Platform);
                    gone.Parameters.AddWithValue("$token", job.Target.Token);
                    gone.Parameters.AddWithValue("$invalidated", completion.InvalidatedAt is { } at ? SqliteTime.ToColumn(at) : DBNull.Value);
                    if (gone.ExecuteNonQuery() == 0)
                    {
                        // The device registered again after the provider knew it invalid: tried again after a backoff,
                        // an attempt spent, so a token the provider keeps refusing ends as a dead letter.
                        var kept = Command(context, """
                            UPDATE push_jobs SET state = $state, lease_until = NULL, due_at = $due, attempts = attempts + 1,
                                last_error = $error, updated_at = $now
                            WHERE id = $id AND state = 1 AND lease_until = $lease
                            """, job);
                        kept.Parameters.AddWithValue("$state", completion.GiveUpIfKept ? 2 : 0);
                        kept.Parameters.AddWithValue("$due", SqliteTime.ToColumn(completion.DueAt));
                        kept.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
                        kept.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                        kept.ExecuteNonQuery();
                    }

                    break;
            }

            return 0;
        }, cancellationToken);
    }

    public Task CancelForDeviceAsync(long deviceId, long syncedCursor, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var cancel = context.Command("DELETE FROM push_jobs WHERE device_id = $device AND state <> 2 AND cursor <= $cursor");
            cancel.Parameters.AddWithValue("$device", deviceId);
            cancel.Parameters.AddWithValue("$cursor", syncedCursor);
            return cancel.ExecuteNonQuery();
        }, cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var read = session.Command("SELECT MIN(CASE state WHEN 0 THEN due_at ELSE lease_until END) FROM push_jobs WHERE state IN (0, 1)");
            return read.ExecuteScalar() is long ms ? SqliteTime.FromColumn(ms) : (DateTimeOffset?)null;
        }, cancellationToken);

    public Task<PushQueueStats> GetStatsAsync(int recentDead, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var counts = session.Command("""
                SELECT (SELECT COUNT(*) FROM push_jobs WHERE state = 0), (SELECT COUNT(*) FROM push_jobs WHERE state = 1),
                       (SELECT COUNT(*) FROM push_jobs WHERE state = 2), (SELECT COUNT(*) FROM push_targets)
                """);
            var (pending, inFlight, dead, targets) = counts.ReadAll(r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)))[0];
            var letters = session.Command("""
                SELECT j.device_id, j.conversation_id, j.seq, t.platform, t.app, j.attempts, COALESCE(j.last_error, ''), j.updated_at
                FROM push_jobs j JOIN push_targets t ON t.device_id = j.device_id
                WHERE j.state = 2 ORDER BY j.updated_at DESC LIMIT $limit
                """);
            letters.Parameters.AddWithValue("$limit", recentDead);
            var recent = letters.ReadAll(r => new PushDeadLetter(
                r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), (PushPlatform)r.GetInt32(3), r.GetString(4), r.GetInt32(5), r.GetString(6), SqliteTime.FromColumn(r.GetInt64(7))));
            return new PushQueueStats(pending, inFlight, dead, targets, recent);
        }, cancellationToken);

    private const string TargetColumns = "t.device_id, t.account_id, t.platform, t.token, t.app, t.sandbox, t.voip, t.p256dh, t.auth, t.registered_at";

    private static PushTarget ReadTarget(SqliteDataReader reader, int first) => new(
        reader.GetInt64(first),
        reader.GetInt64(first + 1),
        (PushPlatform)reader.GetInt32(first + 2),
        reader.GetString(first + 3),
        reader.GetString(first + 4),
        reader.GetInt64(first + 5) != 0,
        reader.GetInt64(first + 6) != 0,
        reader.IsDBNull(first + 7) ? null : (byte[])reader[first + 7],
        reader.IsDBNull(first + 8) ? null : (byte[])reader[first + 8],
        SqliteTime.FromColumn(reader.GetInt64(first + 9)));

    /// <summary>A statement on the job's row while it is still held under this claim's lease.</summary>
    private static SqliteCommand Command(SqliteWriteContext context, string sql, PushJob job)
    {
        var command = context.Command(sql);
        command.Parameters.AddWithValue("$id", job.Id);
        command.Parameters.AddWithValue("$lease", SqliteTime.ToColumn(job.LeaseUntil));
        return command;
    }
}
