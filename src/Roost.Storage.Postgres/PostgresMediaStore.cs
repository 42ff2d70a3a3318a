using Npgsql;
using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Storage.Postgres;

/// <summary>
/// Uploads, media items and their blobs. Writes hold the append lock like every write, so a reservation and the
/// sweeper never interleave, on any node. Rules are Core's (<see cref="MediaUploadRules"/>).
/// </summary>
internal sealed class PostgresMediaStore(PostgresStore store) : IMediaStore
{
    private const string UploadColumns = "id, account_id, state, length, received, metadata, file_name, declared_type, content_type, error, created_at, expires_at";

    private const string MediaColumns = """
        id, account_id, state, content_type, file_name, size, width, height, duration_ms, placeholder, error, created_at,
        (SELECT COUNT(*) FROM media_refs r WHERE r.media_id = m.id)::integer
        """;

    public Task<Outcome<MediaUpload>> CreateUploadAsync(NewUpload upload, MediaLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(limits);
        return store.WriteAsync<Outcome<MediaUpload>>(async context =>
        {
            var day = MediaUploadRules.DayOf(upload.Now);
            var (inProgress, today) = (await context.Command("""
                    SELECT (SELECT COUNT(*) FROM media WHERE account_id = @account AND state = 0)::integer,
                           (SELECT COALESCE(MAX(bytes), 0) FROM media_daily_bytes WHERE account_id = @account AND day = @day)::bigint
                    """)
                .With("account", upload.AccountId)
                .With("day", day)
                .ReadAllAsync(r => (r.GetInt32(0), r.GetInt64(1))))[0];
            if (MediaUploadRules.CheckCreate(inProgress, today, upload.Length, limits) is { } refused)
            {
                return refused;
            }

            await ChargeBytesAsync(context, upload.AccountId, day, upload.Length ?? 0);
            await context.Command("""
                    INSERT INTO media (id, account_id, state, length, received, metadata, file_name, declared_type, created_at, expires_at)
                    VALUES (@id, @account, 0, @length, 0, @metadata, @name, @declared, @now, @expires)
                    """)
                .With("id", upload.Id)
                .With("account", upload.AccountId)
                .With("length", upload.Length)
                .With("metadata", upload.Metadata)
                .With("name", upload.FileName)
                .With("declared", upload.DeclaredType)
                .With("now", upload.Now)
                .With("expires", upload.ExpiresAt)
                .RunAsync();
            return (await LoadUploadAsync(context, upload.Id))!;
        }, cancellationToken);
    }

    public Task<MediaUpload?> GetUploadAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await LoadUploadAsync(session, id) is { } upload && upload.AccountId == accountId ? upload : null, cancellationToken);

    public Task<Outcome<MediaUpload>> AppendChunkAsync(NewChunk chunk, MediaLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(limits);
        return store.WriteAsync<Outcome<MediaUpload>>(async context =>
        {
            var upload = await LoadUploadAsync(context, chunk.UploadId);
            var chunks = (long)(await context.Command("SELECT COUNT(*) FROM media_chunks WHERE media_id = @id").With("id", chunk.UploadId).ScalarAsync())!;
            if (MediaUploadRules.CheckChunk(upload, chunk, (int)chunks, limits) is { } refused)
            {
                return refused;
            }

            if (chunk.DeclareLength is { } declared && upload!.Length is null)
            {
                var day = MediaUploadRules.DayOf(chunk.Now);
                var today = (long)(await context.Command("SELECT COALESCE(MAX(bytes), 0)::bigint FROM media_daily_bytes WHERE account_id = @account AND day = @day")
                    .With("account", chunk.AccountId)
                    .With("day", day)
                    .ScalarAsync())!;
                if (MediaUploadRules.CheckDailyQuota(today, declared, limits) is { } overQuota)
                {
                    return overQuota;
                }

                await ChargeBytesAsync(context, chunk.AccountId, day, declared);
            }

            if (chunk.Length > 0)
            {
                await context.Command("INSERT INTO media_chunks (media_id, start_offset, length, key) VALUES (@id, @offset, @length, @key)")
                    .With("id", chunk.UploadId)
                    .With("offset", chunk.Offset)
                    .With("length", chunk.Length)
                    .With("key", chunk.Key)
                    .RunAsync();
            }

            var length = upload!.Length ?? chunk.DeclareLength;
            var complete = length is { } total && chunk.Offset + chunk.Length == total;
            await context.Command("""
                    UPDATE media SET received = @received, length = @length, content_type = COALESCE(content_type, @type),
                        state = @state, job_due_at = @due
                    WHERE id = @id
                    """)
                .With("id", chunk.UploadId)
                .With("received", chunk.Offset + chunk.Length)
                .With("length", length)
                .With("type", chunk.ContentType)
                .With("state", (short)(complete ? MediaState.Processing : MediaState.Uploading))
                .With("due", complete ? chunk.Now : null)
                .RunAsync();
            return (await LoadUploadAsync(context, chunk.UploadId))!;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>?> DeleteAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<string>?>(async context =>
        {
            var mine = await context.Command("SELECT 1 FROM media m WHERE id = @id AND account_id = @account AND NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = m.id)")
                .With("id", id)
                .With("account", accountId)
                .ScalarAsync();
            if (mine is null)
            {
                return null;
            }

            var chunks = await context.Command("SELECT key FROM media_chunks WHERE media_id = @id ORDER BY start_offset").With("id", id).ReadAllAsync(r => r.GetString(0));
            await TrashAsync(context, id);
            await context.Command("DELETE FROM media WHERE id = @id").With("id", id).RunAsync();
            return chunks;
        }, cancellationToken);

    public Task<IReadOnlyList<MediaJob>> ClaimJobsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, int maxAttempts, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<MediaJob>>(async context =>
        {
            // Due jobs whose attempts are used up (their runs failed, or died with the process) are refused, not run.
            var exhausted = await context.Command("SELECT id FROM media WHERE state = 1 AND job_due_at <= @now AND job_attempts >= @max")
                .With("now", now)
                .With("max", maxAttempts)
                .ReadAllAsync(r => r.GetString(0));
            foreach (var id in exhausted)
            {
                await FailAsync(context, id, MediaErrorCodes.Failed, keepUntil);
            }

            // Jobs are taken in turns across accounts (each account's oldest first), so one account's backlog cannot hold
            // everyone else's media in processing. The conditions again outside the subquery: under READ COMMITTED a row
            // another transaction changed meanwhile is checked again in its new version, so it is never claimed twice
            // (window functions rule out FOR UPDATE in the subquery; the row lock of the UPDATE does that job).
            var jobs = await context.Command("""
                    UPDATE media SET job_due_at = @lease, job_attempts = job_attempts + 1
                    WHERE id IN (SELECT id FROM (
                                     SELECT id, job_due_at, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY job_due_at) AS turn
                                     FROM media WHERE state = 1 AND job_due_at <= @now AND job_attempts < @max) due
                                 ORDER BY turn, job_due_at LIMIT @limit)
                        AND state = 1 AND job_due_at <= @now AND job_attempts < @max
                    RETURNING id, account_id, content_type, file_name, length, job_attempts
                    """)
                .With("lease", leaseUntil)
                .With("now", now)
                .With("limit", limit)
                .With("max", maxAttempts)
                .ReadAllAsync(r => (Id: r.GetString(0), Account: r.GetInt64(1), Type: r.GetStringOrNull(2), Name: r.GetStringOrNull(3), Length: r.GetInt64(4), Attempts: r.GetInt32(5)));
            var claimed = new List<MediaJob>(jobs.Count);
            foreach (var job in jobs)
            {
                var chunks = await context.Command("SELECT start_offset, length, key FROM media_chunks WHERE media_id = @id ORDER BY start_offset")
                    .With("id", job.Id)
                    .ReadAllAsync(r => new MediaChunk(r.GetInt64(0), r.GetInt64(1), r.GetString(2)));
                claimed.Add(new MediaJob(job.Id, job.Account, job.Type, job.Name, job.Length, job.Attempts, chunks));
            }

            return claimed;
        }, cancellationToken);

    public Task<BlobReservation> ReserveFilesAsync(string mediaId, IReadOnlyList<MediaFile> files, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        return store.WriteAsync(async context =>
        {
            var keys = files.Select(f => f.Key).Distinct().ToArray();
            // A key being deleted right now makes the caller wait and try again; checked first, so nothing is written then.
            if (await context.Command("SELECT 1 FROM media_blobs WHERE key = ANY(@keys) AND state = 2 LIMIT 1").With("keys", keys).ScalarAsync() is not null)
            {
                return new BlobReservation([], Busy: true);
            }

            var toWrite = new List<string>();
            foreach (var file in files)
            {
                var state = (short)(await context.Command("""
                        INSERT INTO media_blobs (key, size, state, reserved_at) VALUES (@key, @size, 0, @now)
                        ON CONFLICT (key) DO UPDATE SET reserved_at = excluded.reserved_at
                        RETURNING state
                        """)
                    .With("key", file.Key)
                    .With("size", file.Size)
                    .With("now", now)
                    .ScalarAsync())!;
                if (state == 0 && !toWrite.Contains(file.Key))
                {
                    toWrite.Add(file.Key);
                }

                await context.Command("""
                        INSERT INTO media_files (media_id, role, key, content_type, size, width, height)
                        SELECT @media, @role, @key, @type, @size, @width, @height WHERE EXISTS (SELECT 1 FROM media WHERE id = @media AND state = 1)
                        ON CONFLICT (media_id, role) DO UPDATE SET key = excluded.key, content_type = excluded.content_type, size = excluded.size,
                            width = excluded.width, height = excluded.height
                        """)
                    .With("media", mediaId)
                    .With("role", file.Role)
                    .With("key", file.Key)
                    .With("type", file.ContentType)
                    .With("size", file.Size)
                    .With("width", file.Width)
                    .With("height", file.Height)
                    .RunAsync();
            }

            return new BlobReservation(toWrite, Busy: false);
        }, cancellationToken);
    }

    public Task<bool> CompleteJobAsync(string mediaId, ProcessedMedia result, DateTimeOffset now, DateTimeOffset unattachedUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return store.WriteAsync(async context =>
        {
            var updated = await context.Command("""
                    UPDATE media SET state = 2, content_type = @type, size = @size, width = @width, height = @height, duration_ms = @duration,
                        placeholder = @placeholder, expires_at = @expires, job_due_at = NULL
                    WHERE id = @id AND state = 1
                    """)
                .With("id", mediaId)
                .With("type", result.ContentType)
                .With("size", result.Size)
                .With("width", result.Width)
                .With("height", result.Height)
                .With("duration", result.DurationMs)
                .With("placeholder", result.Placeholder)
                .With("expires", unattachedUntil)
                .RunAsync();
            if (updated == 0)
            {
                return false;
            }

            await context.Command("UPDATE media_blobs SET state = 1 WHERE state = 0 AND key IN (SELECT key FROM media_files WHERE media_id = @id)").With("id", mediaId).RunAsync();
            await TrashAsync(context, mediaId);
            return true;
        }, cancellationToken);
    }

    public Task FailJobAsync(string mediaId, string code, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            await FailAsync(context, mediaId, code, keepUntil);
            return 0;
        }, cancellationToken);

    public Task<bool> ExtendJobLeaseAsync(string mediaId, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("UPDATE media SET job_due_at = @lease WHERE id = @id AND state = 1")
            .With("id", mediaId)
            .With("lease", leaseUntil)
            .RunAsync() == 1, cancellationToken);

    public Task RetryJobAsync(string mediaId, DateTimeOffset dueAt, bool countAttempt, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("""
                UPDATE media SET job_due_at = @due, job_attempts = CASE WHEN @count THEN job_attempts ELSE GREATEST(job_attempts - 1, 0) END
                WHERE id = @id AND state = 1
                """)
            .With("id", mediaId)
            .With("due", dueAt)
            .With("count", countAttempt)
            .RunAsync(), cancellationToken);

    public Task<StoredMedia?> GetForViewerAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => ReadMediaAsync(session, session.Command($"""
                SELECT {MediaColumns} FROM media m
                WHERE id = @id AND (account_id = @account OR EXISTS (
                    SELECT 1 FROM media_refs r JOIN conversation_members cm ON cm.conversation_id = r.conversation_id AND cm.account_id = @account
                    WHERE r.media_id = m.id AND cm.joined_seq < r.seq AND (cm.left_seq IS NULL OR r.seq <= cm.left_seq)))
                """)
            .With("id", id)
            .With("account", accountId)), cancellationToken);

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command("SELECT 1 FROM media WHERE id = @id").With("id", id).ScalarAsync() is not null, cancellationToken);

    public Task<IReadOnlyList<string>> CollectGarbageAsync(DateTimeOffset now, DateTimeOffset unreferencedBefore, DateTimeOffset abandonedBefore, int limit, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<string>>(async context =>
        {
            // Expired uploads, and finished media no message carries (see the SQLite store for the states).
            var doomed = await context.Command("""
                    SELECT id FROM media m WHERE ((state IN (0, 2, 3) AND expires_at <= @now) OR (state = 2 AND expires_at IS NULL))
                        AND NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = m.id)
                    LIMIT @limit
                    """)
                .With("now", now)
                .With("limit", limit)
                .ReadAllAsync(r => r.GetString(0));
            foreach (var id in doomed)
            {
                await TrashAsync(context, id);
                await context.Command("DELETE FROM media WHERE id = @id").With("id", id).RunAsync();
            }

            // Claims the blobs to delete, stamping reserved_at with the claim time (see the SQLite store); only what this
            // statement claimed is handed out. Writes hold the append lock, and besides the rows are locked (SKIP LOCKED)
            // and their state checked again outside the subquery: under READ COMMITTED a row a concurrent sweeper claimed
            // meanwhile is re-checked in its new version (state 2, a fresh claim) and left out.
            var blobs = await context.Command("""
                    UPDATE media_blobs b SET state = 2, reserved_at = @claim
                    WHERE b.key IN (SELECT key FROM media_blobs c
                                    WHERE (c.state = 2 AND c.reserved_at < @before)
                                       OR (((c.state = 1 AND c.reserved_at < @before) OR (c.state = 0 AND c.reserved_at < @abandoned))
                                           AND NOT EXISTS (SELECT 1 FROM media_files f WHERE f.key = c.key))
                                    LIMIT @limit FOR UPDATE SKIP LOCKED)
                        AND ((b.state = 2 AND b.reserved_at < @before) OR (b.state = 1 AND b.reserved_at < @before) OR (b.state = 0 AND b.reserved_at < @abandoned))
                    RETURNING b.key
                    """)
                .With("claim", now)
                .With("before", unreferencedBefore)
                .With("abandoned", abandonedBefore)
                .With("limit", limit)
                .ReadAllAsync(r => r.GetString(0));
            var trash = await context.Command("SELECT key FROM media_trash LIMIT @limit").With("limit", limit).ReadAllAsync(r => r.GetString(0));
            return [.. trash, .. blobs];
        }, cancellationToken);

    public Task ForgetDeletedAsync(IReadOnlyList<string> keys, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var array = keys.ToArray();
        return store.WriteAsync(async context =>
        {
            // A blob row goes only while it is still this claim: not one another sweeper took over, nor one reserved again.
            await context.Command("DELETE FROM media_trash WHERE key = ANY(@keys)").With("keys", array).RunAsync();
            return await context.Command("DELETE FROM media_blobs WHERE key = ANY(@keys) AND state = 2 AND reserved_at = @claim")
                .With("keys", array)
                .With("claim", claimedAt)
                .RunAsync();
        }, cancellationToken);
    }

    /// <summary>The media item whatever the caller (for the message store's attach check).</summary>
    internal static Task<StoredMedia?> LoadMediaAsync(PostgresSession session, string id) =>
        ReadMediaAsync(session, session.Command($"SELECT {MediaColumns} FROM media m WHERE id = @id").With("id", id));

    private static async Task<StoredMedia?> ReadMediaAsync(PostgresSession session, NpgsqlCommand read)
    {
        var found = await read.ReadFirstAsync(r => new StoredMedia(
            r.GetString(0), r.GetInt64(1), (MediaState)r.GetInt16(2), r.GetStringOrNull(3), r.GetStringOrNull(4),
            r.GetInt64OrNull(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7),
            r.GetInt64OrNull(8), r.GetStringOrNull(9), r.GetStringOrNull(10), r.GetInt32(12), r.GetTime(11), []));

        if (found is null)
        {
            return null;
        }

        var files = await session.Command("SELECT role, key, content_type, size, width, height FROM media_files WHERE media_id = @id ORDER BY role")
            .With("id", found.Id)
            .ReadAllAsync(r => new MediaFile(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt32(5)));
        return found with { Files = files };
    }

    private static Task<MediaUpload?> LoadUploadAsync(PostgresSession session, string id) =>
        session.Command($"SELECT {UploadColumns} FROM media WHERE id = @id")
            .With("id", id)
            .ReadFirstAsync(r => new MediaUpload(
                r.GetString(0), r.GetInt64(1), (MediaState)r.GetInt16(2), r.GetInt64OrNull(3), r.GetInt64(4), r.GetStringOrNull(5),
                r.GetStringOrNull(6), r.GetStringOrNull(7), r.GetStringOrNull(8), r.GetStringOrNull(9), r.GetTime(10), r.GetTimeOrNull(11)));

    /// <summary>Refuses a processing item for good: its chunks go to the trash, its files stop referencing blobs.</summary>
    private static async Task FailAsync(PostgresWriteContext context, string id, string code, DateTimeOffset keepUntil)
    {
        var updated = await context.Command("UPDATE media SET state = 3, error = @code, expires_at = @keep, job_due_at = NULL WHERE id = @id AND state = 1")
            .With("id", id)
            .With("code", code)
            .With("keep", keepUntil)
            .RunAsync();
        if (updated == 1)
        {
            await TrashAsync(context, id);
            await context.Command("DELETE FROM media_files WHERE media_id = @id").With("id", id).RunAsync();
        }
    }

    /// <summary>Moves an item's chunks to the trash (their objects are deleted after commit, by whoever reads the trash).</summary>
    private static async Task TrashAsync(PostgresWriteContext context, string id)
    {
        await context.Command("INSERT INTO media_trash (key) SELECT key FROM media_chunks WHERE media_id = @id ON CONFLICT DO NOTHING").With("id", id).RunAsync();
        await context.Command("DELETE FROM media_chunks WHERE media_id = @id").With("id", id).RunAsync();
    }

    private static Task<int> ChargeBytesAsync(PostgresWriteContext context, long accountId, DateTimeOffset day, long bytes) =>
        context.Command("""
                INSERT INTO media_daily_bytes (account_id, day, bytes) VALUES (@account, @day, @bytes)
                ON CONFLICT (account_id, day) DO UPDATE SET bytes = media_daily_bytes.bytes + excluded.bytes
                """)
            .With("account", accountId)
            .With("day", day)
            .With("bytes", bytes)
            .RunAsync();
}
