using Npgsql;
using Roost.Core.Push;

namespace Roost.Storage.Postgres;

/// <summary>
/// Push targets and the push queue. Claims run as writes, which hold the append lock, so two nodes never lease jobs
/// of the same device at once; each node then sends what it leased.
/// </summary>
internal sealed class PostgresPushStore(PostgresStore store) : IPushStore
{
    private const string TargetColumns = "t.device_id, t.account_id, t.platform, t.token, t.app, t.sandbox, t.voip, t.p256dh, t.auth, t.registered_at";

    public Task<bool> RegisterAsync(PushTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return store.WriteAsync(async context =>
        {
            await context.Command("DELETE FROM push_targets WHERE platform = @platform AND token = @token AND device_id <> @device")
                .With("platform", (short)target.Platform)
                .With("token", target.Token)
                .With("device", target.DeviceId)
                .RunAsync();
            return await context.Command("""
                    INSERT INTO push_targets (device_id, account_id, platform, token, app, sandbox, voip, p256dh, auth, registered_at)
                    SELECT id, account_id, @platform, @token, @app, @sandbox, @voip, @p256dh::bytea, @auth::bytea, @at FROM devices WHERE id = @device AND account_id = @account
                    ON CONFLICT (device_id) DO UPDATE SET platform = excluded.platform, token = excluded.token, app = excluded.app,
                        sandbox = excluded.sandbox, voip = excluded.voip, p256dh = excluded.p256dh, auth = excluded.auth,
                        registered_at = excluded.registered_at
                    """)
                .With("device", target.DeviceId)
                .With("account", target.AccountId)
                .With("platform", (short)target.Platform)
                .With("token", target.Token)
                .With("app", target.App)
                .With("sandbox", target.Sandbox)
                .With("voip", target.Voip)
                .With("p256dh", target.P256dh)
                .With("auth", target.Auth)
                .With("at", target.RegisteredAt)
                .RunAsync() == 1;
        }, cancellationToken);
    }

    public Task<PushTarget?> GetAsync(long deviceId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command($"SELECT {TargetColumns} FROM push_targets t WHERE t.device_id = @device")
            .With("device", deviceId)
            .ReadFirstAsync(row => ReadTarget(row, 0)), cancellationToken);

    public Task<bool> UnregisterAsync(long deviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("DELETE FROM push_targets WHERE device_id = @device")
            .With("device", deviceId)
            .RunAsync() == 1, cancellationToken);

    public Task SetPreviewsAsync(long accountId, bool previews, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE accounts SET push_previews = @previews WHERE id = @account")
            .With("previews", previews)
            .With("account", accountId)
            .RunAsync(), cancellationToken);

    public Task<bool> GetPreviewsAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command("SELECT push_previews FROM accounts WHERE id = @account")
            .With("account", accountId)
            .ScalarAsync() is true, cancellationToken);

    public Task<IReadOnlyList<PushJob>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, IReadOnlyCollection<PushPlatform> platforms, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<PushJob>>(async context => await context.Command($"""
                WITH expired AS (DELETE FROM push_jobs WHERE state = 3 AND due_at <= @now),
                candidates AS (
                    (SELECT j.id, j.device_id, j.due_at AS due FROM push_jobs j JOIN push_targets t ON t.device_id = j.device_id
                     WHERE j.state = 0 AND j.due_at <= @now AND t.platform = ANY(@platforms)
                       AND NOT EXISTS (SELECT 1 FROM push_jobs b WHERE b.device_id = j.device_id AND b.state = 1 AND b.lease_until > @now)
                     ORDER BY j.due_at LIMIT @scan)
                    UNION ALL
                    (SELECT j.id, j.device_id, j.lease_until AS due FROM push_jobs j JOIN push_targets t ON t.device_id = j.device_id
                     WHERE j.state = 1 AND j.lease_until <= @now AND t.platform = ANY(@platforms)
                       AND NOT EXISTS (SELECT 1 FROM push_jobs b WHERE b.device_id = j.device_id AND b.state = 1 AND b.lease_until > @now)
                     ORDER BY j.lease_until LIMIT @scan)),
                due AS (SELECT DISTINCT ON (device_id) id, due FROM candidates ORDER BY device_id, due),
                chosen AS (SELECT id FROM due ORDER BY due LIMIT @limit),
                leased AS (
                    UPDATE push_jobs j SET state = 1, lease_until = @until, updated_at = @now FROM chosen WHERE j.id = chosen.id
                    RETURNING j.*)
                SELECT j.id, j.conversation_id, j.seq, j.cursor, j.messages, j.attempts,
                       COALESCE(c.last_seq - GREATEST(m.read_seq, m.joined_seq), 0),
                       s.username, msg.body, {TargetColumns}, j.lease_until
                FROM leased j
                JOIN push_targets t ON t.device_id = j.device_id
                JOIN accounts a ON a.id = j.account_id
                LEFT JOIN conversations c ON c.id = j.conversation_id
                LEFT JOIN conversation_members m ON m.conversation_id = j.conversation_id AND m.account_id = j.account_id
                LEFT JOIN messages msg ON a.push_previews AND msg.conversation_id = j.conversation_id AND msg.seq = j.seq
                LEFT JOIN accounts s ON s.id = msg.sender_id
                """)
            .With("now", now)
            .With("until", leaseUntil)
            .With("limit", limit)
            .With("scan", limit * 4)
            .With("platforms", platforms.Select(p => (short)p).ToArray())
            .ReadAllAsync(row => new PushJob(
                row.GetInt64(0),
                ReadTarget(row, 9),
                row.GetInt64(1),
                row.GetInt64(2),
                row.GetInt64(3),
                row.GetInt32(4),
                row.GetInt32(5),
                Math.Max(0, row.GetInt64(6)),
                row.IsDBNull(7) ? null : new PushPreview(row.GetString(7), row.GetStringOrNull(8)),
                row.GetTime(19))), cancellationToken);

    public Task CompleteAsync(PushJob job, PushCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(completion);
        return store.WriteAsync(async context =>
        {
            switch (completion.Kind)
            {
                case PushCompletionKind.Sent:
                    // Quiet until the window ends: a later message waits for it. Messages that came meanwhile wait too.
                    await context.Command("""
                            UPDATE push_jobs SET state = CASE WHEN cursor = @cursor THEN 3 ELSE 0 END,
                                messages = CASE WHEN cursor = @cursor THEN 0 ELSE GREATEST(1, messages - @sent) END,
                                due_at = @due, lease_until = NULL, attempts = 0, last_error = NULL, updated_at = @now
                            WHERE id = @id AND state = 1 AND lease_until = @lease
                            """)
                        .With("id", job.Id)
                        .With("lease", job.LeaseUntil)
                        .With("cursor", job.Cursor)
                        .With("sent", job.Messages)
                        .With("due", completion.DueAt)
                        .With("now", now)
                        .RunAsync();
                    break;
                case PushCompletionKind.Skipped:
                    // The device is connected: done, unless a message came meanwhile (it is checked again).
                    if (await context.Command("DELETE FROM push_jobs WHERE id = @id AND state = 1 AND lease_until = @lease AND cursor = @cursor")
                        .With("id", job.Id)
                        .With("lease", job.LeaseUntil)
                        .With("cursor", job.Cursor)
                        .RunAsync() == 0)
                    {
                        await context.Command("UPDATE push_jobs SET state = 0, lease_until = NULL, due_at = @now, updated_at = @now WHERE id = @id AND state = 1 AND lease_until = @lease")
                            .With("id", job.Id)
                        .With("lease", job.LeaseUntil)
                            .With("now", now)
                            .RunAsync();
                    }

                    break;
                case PushCompletionKind.Retry:
                    await context.Command("""
                            UPDATE push_jobs SET state = 0, lease_until = NULL, due_at = @due, attempts = attempts + @counts,
                                last_error = @error, updated_at = @now
                            WHERE id = @id AND state = 1 AND lease_until = @lease
                            """)
                        .With("id", job.Id)
                        .With("lease", job.LeaseUntil)
                        .With("due", completion.DueAt)
                        .With("counts", completion.CountsAsAttempt ? 1 : 0)
                        .With("error", completion.Error)
                        .With("now", now)
                        .RunAsync();
                    break;
                case PushCompletionKind.Dead:
                    // Given up, unless newer messages were coalesced into it meanwhile: they get their own attempts.
                    await context.Command("""
                            UPDATE push_jobs SET state = CASE WHEN cursor = @cursor THEN 2 ELSE 0 END,
                                attempts = CASE WHEN cursor = @cursor THEN attempts + 1 ELSE 0 END,
                                due_at = CASE WHEN cursor = @cursor THEN due_at ELSE @now END,
                                lease_until = NULL, last_error = @error, updated_at = @now
                            WHERE id = @id AND state = 1 AND lease_until = @lease
                            """)
                        .With("id", job.Id)
                        .With("lease", job.LeaseUntil)
                        .With("cursor", job.Cursor)
                        .With("error", completion.Error)
                        .With("now", now)
                        .RunAsync();
                    break;
                case PushCompletionKind.TargetGone:
                    // The token that failed, unless the device registered (again) after the provider knew it invalid.
                    var gone = await context.Command("""
                            DELETE FROM push_targets WHERE device_id = @device AND platform = @platform AND token = @token
                                AND (@invalidated::timestamptz IS NULL OR registered_at <= @invalidated::timestamptz)
                            """)
                        .With("device", job.Target.DeviceId)
                        .With("platform", (short)job.Target.Platform)
                        .With("token", job.Target.Token)
                        .With("invalidated", completion.InvalidatedAt)
                        .RunAsync();
                    if (gone == 0)
                    {
                        // The device registered again after the provider knew it invalid: tried again after a backoff,
                        // an attempt spent, so a token the provider keeps refusing ends as a dead letter.
                        await context.Command("""
                                UPDATE push_jobs SET state = @state, lease_until = NULL, due_at = @due, attempts = attempts + 1,
                                    last_error = @error, updated_at = @now
                                WHERE id = @id AND state = 1 AND lease_until = @lease
                                """)
                            .With("id", job.Id)
                            .With("lease", job.LeaseUntil)
                            .With("state", (short)(completion.GiveUpIfKept ? 2 : 0))
                            .With("due", completion.DueAt)
                            .With("error", completion.Error)
                            .With("now", now)
                            .RunAsync();
                    }

                    break;
            }

            return 0;
        }, cancellationToken);
    }

    public Task CancelForDeviceAsync(long deviceId, long syncedCursor, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("DELETE FROM push_jobs WHERE device_id = @device AND state <> 2 AND cursor <= @cursor")
            .With("device", deviceId)
            .With("cursor", syncedCursor)
            .RunAsync(), cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command(
                "SELECT min(CASE state WHEN 0 THEN due_at ELSE lease_until END) FROM push_jobs WHERE state IN (0, 1)")
            .ReadFirstAsync(row => row.GetTimeOrNull(0)), cancellationToken);

    public Task<PushQueueStats> GetStatsAsync(int recentDead, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session =>
        {
            var (pending, inFlight, dead, targets) = await session.Command("""
                    SELECT count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2),
                           (SELECT count(*) FROM push_targets)
                    FROM push_jobs
                    """)
                .ReadFirstAsync(row => (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3)));
            var recent = await session.Command("""
                    SELECT j.device_id, j.conversation_id, j.seq, t.platform, t.app, j.attempts, COALESCE(j.last_error, ''), j.updated_at
                    FROM push_jobs j JOIN push_targets t ON t.device_id = j.device_id
                    WHERE j.state = 2 ORDER BY j.updated_at DESC LIMIT @limit
                    """)
                .With("limit", recentDead)
                .ReadAllAsync(row => new PushDeadLetter(
                    row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), (PushPlatform)row.GetInt16(3), row.GetString(4), row.GetInt32(5), row.GetString(6), row.GetTime(7)));
            return new PushQueueStats(pending, inFlight, dead, targets, recent);
        }, cancellationToken);

    private static PushTarget ReadTarget(NpgsqlDataReader reader, int first) => new(
        reader.GetInt64(first),
        reader.GetInt64(first + 1),
        (PushPlatform)reader.GetInt16(first + 2),
        reader.GetString(first + 3),
        reader.GetString(first + 4),
        reader.GetBoolean(first + 5),
        reader.GetBoolean(first + 6),
        reader.IsDBNull(first + 7) ? null : reader.GetFieldValue<byte[]>(first + 7),
        reader.IsDBNull(first + 8) ? null : reader.GetFieldValue<byte[]>(first + 8),
        reader.GetTime(first + 9));
}
