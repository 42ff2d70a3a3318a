using Microsoft.Data.Sqlite;
using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Storage.Sqlite;

/// <summary>Uploads, media items and their blobs on the single writer. Rules are Core's (<see cref="MediaUploadRules"/>).</summary>
internal sealed class SqliteMediaStore(SqliteStore store) : IMediaStore
{
    internal const string UploadColumns = "id, account_id, state, length, received, metadata, file_name, declared_type, content_type, error, created_at, expires_at";

    public Task<Outcome<MediaUpload>> CreateUploadAsync(NewUpload upload, MediaLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(limits);
        return store.WriteAsync<Outcome<MediaUpload>>(context =>
        {
            var day = SqliteTime.ToColumn(MediaUploadRules.DayOf(upload.Now));
            var counts = context.Command("""
                SELECT (SELECT COUNT(*) FROM media WHERE account_id = $account AND state = 0),
                       (SELECT COALESCE(MAX(bytes), 0) FROM media_daily_bytes WHERE account_id = $account AND day = $day)
                """);
            counts.Parameters.AddWithValue("$account", upload.AccountId);
            counts.Parameters.AddWithValue("$day", day);
            var (inProgress, today) = counts.ReadAll(r => (r.GetInt32(0), r.GetInt64(1)))[0];
            if (MediaUploadRules.CheckCreate(inProgress, today, upload.Length, limits) is { } refused)
            {
                return refused;
            }

            ChargeBytes(context, upload.AccountId, day, upload.Length ?? 0);
            var insert = context.Command("""
                INSERT INTO media (id, account_id, state, length, received, metadata, file_name, declared_type, created_at, expires_at)
                VALUES ($id, $account, 0, $length, 0, $metadata, $name, $declared, $now, $expires)
                """);
            insert.Parameters.AddWithValue("$id", upload.Id);
            insert.Parameters.AddWithValue("$account", upload.AccountId);
            insert.Parameters.AddWithValue("$length", (object?)upload.Length ?? DBNull.Value);
            insert.Parameters.AddWithValue("$metadata", (object?)upload.Metadata ?? DBNull.Value);
            insert.Parameters.AddWithValue("$name", (object?)upload.FileName ?? DBNull.Value);
            insert.Parameters.AddWithValue("$declared", (object?)upload.DeclaredType ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", SqliteTime.ToColumn(upload.Now));
            insert.Parameters.AddWithValue("$expires", SqliteTime.ToColumn(upload.ExpiresAt));
            insert.ExecuteNonQuery();
            return LoadUpload(context, upload.Id)!;
        }, cancellationToken);
    }

    public Task<MediaUpload?> GetUploadAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => LoadUpload(session, id) is { } upload && upload.AccountId == accountId ? upload : null, cancellationToken);

    public Task<Outcome<MediaUpload>> AppendChunkAsync(NewChunk chunk, MediaLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(limits);
        return store.WriteAsync<Outcome<MediaUpload>>(context =>
        {
            var upload = LoadUpload(context, chunk.UploadId);
            var count = context.Command("SELECT COUNT(*) FROM media_chunks WHERE media_id = $id");
            count.Parameters.AddWithValue("$id", chunk.UploadId);
            if (MediaUploadRules.CheckChunk(upload, chunk, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), limits) is { } refused)
            {
                return refused;
            }

            if (chunk.DeclareLength is { } declared && upload!.Length is null)
            {
                var day = SqliteTime.ToColumn(MediaUploadRules.DayOf(chunk.Now));
                var today = context.Command("SELECT COALESCE(MAX(bytes), 0) FROM media_daily_bytes WHERE account_id = $account AND day = $day");
                today.Parameters.AddWithValue("$account", chunk.AccountId);
                today.Parameters.AddWithValue("$day", day);
                if (MediaUploadRules.CheckDailyQuota(Convert.ToInt64(today.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), declared, limits) is { } overQuota)
                {
                    return overQuota;
                }

                ChargeBytes(context, chunk.AccountId, day, declared);
            }

            if (chunk.Length > 0)
            {
                var insert = context.Command("INSERT INTO media_chunks (media_id, start_offset, length, key) VALUES ($id, $offset, $length, $key)");
                insert.Parameters.AddWithValue("$id", chunk.UploadId);
                insert.Parameters.AddWithValue("$offset", chunk.Offset);
                insert.Parameters.AddWithValue("$length", chunk.Length);
                insert.Parameters.AddWithValue("$key", chunk.Key);
                insert.ExecuteNonQuery();
            }

            var length = upload!.Length ?? chunk.DeclareLength;
            var received = chunk.Offset + chunk.Length;
            var update = context.Command("""
                UPDATE media SET received = $received, length = $length, content_type = COALESCE(content_type, $type),
                    state = CASE WHEN $length IS NOT NULL AND $received = $length THEN 1 ELSE 0 END,
                    job_due_at = CASE WHEN $length IS NOT NULL AND $received = $length THEN $now ELSE NULL END
                WHERE id = $id
                """);
            update.Parameters.AddWithValue("$id", chunk.UploadId);
            update.Parameters.AddWithValue("$received", received);
            update.Parameters.AddWithValue("$length", (object?)length ?? DBNull.Value);
            update.Parameters.AddWithValue("$type", (object?)chunk.ContentType ?? DBNull.Value);
            update.Parameters.AddWithValue("$now", SqliteTime.ToColumn(chunk.Now));
            update.ExecuteNonQuery();
            return LoadUpload(context, chunk.UploadId)!;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>?> DeleteAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<string>?>(context =>
        {
            var find = context.Command("SELECT 1 FROM media m WHERE id = $id AND account_id = $account AND NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = m.id)");
            find.Parameters.AddWithValue("$id", id);
            find.Parameters.AddWithValue("$account", accountId);
            if (find.ExecuteScalar() is null)
            {
                return null;
            }

            var chunks = ChunkKeys(context, id);
            Trash(context, id);
            var delete = context.Command("DELETE FROM media WHERE id = $id");
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
            return chunks;
        }, cancellationToken);

    public Task<IReadOnlyList<MediaJob>> ClaimJobsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, int maxAttempts, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<MediaJob>>(context =>
        {
            // Due jobs whose attempts are used up (their runs failed, or died with the process) are refused, not run.
            var exhausted = context.Command("SELECT id FROM media WHERE state = 1 AND job_due_at <= $now AND job_attempts >= $max");
            exhausted.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            exhausted.Parameters.AddWithValue("$max", maxAttempts);
            foreach (var id in exhausted.ReadAll(r => r.GetString(0)))
            {
                Fail(context, id, MediaErrorCodes.Failed, keepUntil);
            }

            // In turns across accounts (each account's oldest first): one account's backlog cannot hold everyone's media.
            var claim = context.Command("""
                UPDATE media SET job_due_at = $lease, job_attempts = job_attempts + 1
                WHERE id IN (SELECT id FROM (
                                 SELECT id, job_due_at, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY job_due_at) AS turn
                                 FROM media WHERE state = 1 AND job_due_at <= $now AND job_attempts < $max)
                             ORDER BY turn, job_due_at LIMIT $limit)
                RETURNING id, account_id, content_type, file_name, length, job_attempts
                """);
            claim.Parameters.AddWithValue("$lease", SqliteTime.ToColumn(leaseUntil));
            claim.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            claim.Parameters.AddWithValue("$limit", limit);
            claim.Parameters.AddWithValue("$max", maxAttempts);
            var jobs = claim.ReadAll(r => (Id: r.GetString(0), Account: r.GetInt64(1), Type: r.IsDBNull(2) ? null : r.GetString(2),
                Name: r.IsDBNull(3) ? null : r.GetString(3), Length: r.GetInt64(4), Attempts: r.GetInt32(5)));
            var chunks = context.Command("SELECT start_offset, length, key FROM media_chunks WHERE media_id = $id ORDER BY start_offset");
            var idParameter = chunks.Parameters.Add("$id", SqliteType.Text);
            var claimed = new List<MediaJob>(jobs.Count);
            foreach (var job in jobs)
            {
                idParameter.Value = job.Id;
                claimed.Add(new MediaJob(job.Id, job.Account, job.Type, job.Name, job.Length, job.Attempts,
                    chunks.ReadAll(r => new MediaChunk(r.GetInt64(0), r.GetInt64(1), r.GetString(2)))));
            }

            return claimed;
        }, cancellationToken);

    public Task<BlobReservation> ReserveFilesAsync(string mediaId, IReadOnlyList<MediaFile> files, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        return store.WriteAsync(context =>
        {
            // A key being deleted right now makes the caller wait and try again; checked first, so nothing is written then.
            var current = context.Command("SELECT state FROM media_blobs WHERE key = $key");
            foreach (var file in files)
            {
                current.Parameters.Clear();
                current.Parameters.AddWithValue("$key", file.Key);
                if (current.ExecuteScalar() is 2L)
                {
                    return new BlobReservation([], Busy: true);
                }
            }

            var toWrite = new List<string>();
            var reserve = context.Command("""
                INSERT INTO media_blobs (key, size, state, reserved_at) VALUES ($key, $size, 0, $now)
                ON CONFLICT (key) DO UPDATE SET reserved_at = excluded.reserved_at
                RETURNING state
                """);
            foreach (var file in files)
            {
                reserve.Parameters.Clear();
                reserve.Parameters.AddWithValue("$key", file.Key);
                reserve.Parameters.AddWithValue("$size", file.Size);
                reserve.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
                if (reserve.ExecuteScalar() is 0L && !toWrite.Contains(file.Key))
                {
                    toWrite.Add(file.Key);
                }
            }

            var insert = context.Command("""
                INSERT INTO media_files (media_id, role, key, content_type, size, width, height)
                SELECT $media, $role, $key, $type, $size, $width, $height WHERE EXISTS (SELECT 1 FROM media WHERE id = $media AND state = 1)
                ON CONFLICT (media_id, role) DO UPDATE SET key = excluded.key, content_type = excluded.content_type, size = excluded.size,
                    width = excluded.width, height = excluded.height
                """);
            foreach (var file in files)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$media", mediaId);
                insert.Parameters.AddWithValue("$role", file.Role);
                insert.Parameters.AddWithValue("$key", file.Key);
                insert.Parameters.AddWithValue("$type", file.ContentType);
                insert.Parameters.AddWithValue("$size", file.Size);
                insert.Parameters.AddWithValue("$width", (object?)file.Width ?? DBNull.Value);
                insert.Parameters.AddWithValue("$height", (object?)file.Height ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }

            return new BlobReservation(toWrite, Busy: false);
        }, cancellationToken);
    }

    public Task<bool> CompleteJobAsync(string mediaId, ProcessedMedia result, DateTimeOffset now, DateTimeOffset unattachedUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return store.WriteAsync(context =>
        {
            var update = context.Command("""
                UPDATE media SET state = 2, content_type = $type, size = $size, width = $width, height = $height, duration_ms = $duration,
                    placeholder = $placeholder, expires_at = $expires, job_due_at = NULL
                WHERE id = $id AND state = 1
                """);
            update.Parameters.AddWithValue("$id", mediaId);
            update.Parameters.AddWithValue("$type", result.ContentType);
            update.Parameters.AddWithValue("$size", result.Size);
            update.Parameters.AddWithValue("$width", (object?)result.Width ?? DBNull.Value);
            update.Parameters.AddWithValue("$height", (object?)result.Height ?? DBNull.Value);
            update.Parameters.AddWithValue("$duration", (object?)result.DurationMs ?? DBNull.Value);
            update.Parameters.AddWithValue("$placeholder", (object?)result.Placeholder ?? DBNull.Value);
            update.Parameters.AddWithValue("$expires", SqliteTime.ToColumn(unattachedUntil));
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            var stored = context.Command("UPDATE media_blobs SET state = 1 WHERE state = 0 AND key IN (SELECT key FROM media_files WHERE media_id = $id)");
            stored.Parameters.AddWithValue("$id", mediaId);
            stored.ExecuteNonQuery();
            Trash(context, mediaId);
            return true;
        }, cancellationToken);
    }

    public Task FailJobAsync(string mediaId, string code, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            Fail(context, mediaId, code, keepUntil);
            return 0;
        }, cancellationToken);

    public Task<bool> ExtendJobLeaseAsync(string mediaId, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var update = context.Command("UPDATE media SET job_due_at = $lease WHERE id = $id AND state = 1");
            update.Parameters.AddWithValue("$id", mediaId);
            update.Parameters.AddWithValue("$lease", SqliteTime.ToColumn(leaseUntil));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task RetryJobAsync(string mediaId, DateTimeOffset dueAt, bool countAttempt, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            // The claim counted an attempt; a retry that is not a failure gives it back.
            var update = context.Command("""
                UPDATE media SET job_due_at = $due, job_attempts = CASE WHEN $count THEN job_attempts ELSE MAX(job_attempts - 1, 0) END
                WHERE id = $id AND state = 1
                """);
            update.Parameters.AddWithValue("$id", mediaId);
            update.Parameters.AddWithValue("$due", SqliteTime.ToColumn(dueAt));
            update.Parameters.AddWithValue("$count", countAttempt);
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<StoredMedia?> GetForViewerAsync(string id, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            // The uploader, or a member who can see a message that carries it (joined before it; if gone, left after it).
            var read = session.Command($"""
                SELECT {MediaColumns} FROM media m
                WHERE id = $id AND (account_id = $account OR EXISTS (
                    SELECT 1 FROM media_refs r JOIN conversation_members cm ON cm.conversation_id = r.conversation_id AND cm.account_id = $account
                    WHERE r.media_id = m.id AND cm.joined_seq < r.seq AND (cm.left_seq IS NULL OR r.seq <= cm.left_seq)))
                """);
            read.Parameters.AddWithValue("$id", id);
            read.Parameters.AddWithValue("$account", accountId);
            return ReadMedia(session, read);
        }, cancellationToken);

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var read = session.Command("SELECT 1 FROM media WHERE id = $id");
            read.Parameters.AddWithValue("$id", id);
            return read.ExecuteScalar() is not null;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> CollectGarbageAsync(DateTimeOffset now, DateTimeOffset unreferencedBefore, DateTimeOffset abandonedBefore, int limit, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<string>>(context =>
        {
            // Expired uploads, and finished media no message carries: expired, or orphaned by a deleted message
            // (expires_at NULL once attached). Their chunks go to the trash; their files stop referencing blobs.
            var doomed = context.Command("""
                SELECT id FROM media m WHERE ((state IN (0, 2, 3) AND expires_at <= $now) OR (state = 2 AND expires_at IS NULL))
                    AND NOT EXISTS (SELECT 1 FROM media_refs r WHERE r.media_id = m.id)
                LIMIT $limit
                """);
            doomed.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            doomed.Parameters.AddWithValue("$limit", limit);
            foreach (var id in doomed.ReadAll(r => r.GetString(0)))
            {
                Trash(context, id);
                var delete = context.Command("DELETE FROM media WHERE id = $id");
                delete.Parameters.AddWithValue("$id", id);
                delete.ExecuteNonQuery();
            }

            // Claims the blobs to delete, stamping reserved_at with the claim time: stored ones no file names, reservations
            // never completed (the media went, or the job failed or was abandoned after the put), and stale claims of a
            // sweeper that died. Only what this statement claimed is handed out, so no two sweepers delete one blob.
            var claim = context.Command("""
                UPDATE media_blobs SET state = 2, reserved_at = $claim
                WHERE key IN (SELECT key FROM media_blobs b
                              WHERE (state = 2 AND reserved_at < $before)
                                 OR (((state = 1 AND reserved_at < $before) OR (state = 0 AND reserved_at < $abandoned))
                                     AND NOT EXISTS (SELECT 1 FROM media_files f WHERE f.key = b.key))
                              LIMIT $limit)
                RETURNING key
                """);
            claim.Parameters.AddWithValue("$claim", SqliteTime.ToColumn(now));
            claim.Parameters.AddWithValue("$before", SqliteTime.ToColumn(unreferencedBefore));
            claim.Parameters.AddWithValue("$abandoned", SqliteTime.ToColumn(abandonedBefore));
            claim.Parameters.AddWithValue("$limit", limit);
            var blobs = claim.ReadAll(r => r.GetString(0));

            var keys = context.Command("SELECT key FROM media_trash LIMIT $limit");
            keys.Parameters.AddWithValue("$limit", limit);
            return [.. keys.ReadAll(r => r.GetString(0)), .. blobs];
        }, cancellationToken);

    public Task ForgetDeletedAsync(IReadOnlyList<string> keys, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return store.WriteAsync(context =>
        {
            // A blob row goes only while it is still this claim: not one another sweeper took over, nor one reserved again.
            var trash = context.Command("DELETE FROM media_trash WHERE key = $key");
            var blob = context.Command("DELETE FROM media_blobs WHERE key = $key AND state = 2 AND reserved_at = $claim");
            foreach (var key in keys)
            {
                trash.Parameters.Clear();
                trash.Parameters.AddWithValue("$key", key);
                trash.ExecuteNonQuery();
                blob.Parameters.Clear();
                blob.Parameters.AddWithValue("$key", key);
                blob.Parameters.AddWithValue("$claim", SqliteTime.ToColumn(claimedAt));
                blob.ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>The media item whatever the caller (for the message store's attach check).</summary>
    internal static StoredMedia? LoadMedia(ISqliteSession session, string id)
    {
        var read = session.Command($"SELECT {MediaColumns} FROM media m WHERE id = $id");
        read.Parameters.AddWithValue("$id", id);
        return ReadMedia(session, read);
    }

    private const string MediaColumns = """
        id, account_id, state, content_type, file_name, size, width, height, duration_ms, placeholder, error, created_at,
        (SELECT COUNT(*) FROM media_refs r WHERE r.media_id = m.id)
        """;

    private static StoredMedia? ReadMedia(ISqliteSession session, SqliteCommand read)
    {
        var found = read.ReadAll(r => new StoredMedia(
            r.GetString(0), r.GetInt64(1), (MediaState)r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7),
            r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
            r.GetInt32(12), SqliteTime.FromColumn(r.GetInt64(11)), []));
        return found.Count == 0 ? null : found[0] with { Files = LoadFiles(session, found[0].Id) };
    }

    internal static MediaUpload? LoadUpload(ISqliteSession session, string id)
    {
        var read = session.Command($"SELECT {UploadColumns} FROM media WHERE id = $id");
        read.Parameters.AddWithValue("$id", id);
        return read.ReadAll(ReadUpload).FirstOrDefault();
    }

    internal static IReadOnlyList<MediaFile> LoadFiles(ISqliteSession session, string id)
    {
        var files = session.Command("SELECT role, key, content_type, size, width, height FROM media_files WHERE media_id = $id ORDER BY role");
        files.Parameters.AddWithValue("$id", id);
        return files.ReadAll(r => new MediaFile(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt32(5)));
    }

    private static MediaUpload ReadUpload(SqliteDataReader r) => new(
        r.GetString(0), r.GetInt64(1), (MediaState)r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetInt64(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), SqliteTime.FromColumn(r.GetInt64(10)),
        r.IsDBNull(11) ? null : SqliteTime.FromColumn(r.GetInt64(11)));

    private static List<string> ChunkKeys(SqliteWriteContext context, string id)
    {
        var keys = context.Command("SELECT key FROM media_chunks WHERE media_id = $id ORDER BY start_offset");
        keys.Parameters.AddWithValue("$id", id);
        return keys.ReadAll(r => r.GetString(0));
    }

    /// <summary>Refuses a processing item for good: its chunks go to the trash, its files stop referencing blobs.</summary>
    private static void Fail(SqliteWriteContext context, string id, string code, DateTimeOffset keepUntil)
    {
        var update = context.Command("UPDATE media SET state = 3, error = $code, expires_at = $keep, job_due_at = NULL WHERE id = $id AND state = 1");
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$code", code);
        update.Parameters.AddWithValue("$keep", SqliteTime.ToColumn(keepUntil));
        if (update.ExecuteNonQuery() == 1)
        {
            Trash(context, id);
            var files = context.Command("DELETE FROM media_files WHERE media_id = $id");
            files.Parameters.AddWithValue("$id", id);
            files.ExecuteNonQuery();
        }
    }

    /// <summary>Moves an item's chunks to the trash (their objects are deleted after commit, by whoever reads the trash).</summary>
    private static void Trash(SqliteWriteContext context, string id)
    {
        var move = context.Command("INSERT OR IGNORE INTO media_trash (key) SELECT key FROM media_chunks WHERE media_id = $id");
        move.Parameters.AddWithValue("$id", id);
        move.ExecuteNonQuery();
        var delete = context.Command("DELETE FROM media_chunks WHERE media_id = $id");
        delete.Parameters.AddWithValue("$id", id);
        delete.ExecuteNonQuery();
    }

    private static void ChargeBytes(SqliteWriteContext context, long accountId, long day, long bytes)
    {
        var charge = context.Command("""
            INSERT INTO media_daily_bytes (account_id, day, bytes) VALUES ($account, $day, $bytes)
            ON CONFLICT (account_id, day) DO UPDATE SET bytes = bytes + excluded.bytes
            """);
        charge.Parameters.AddWithValue("$account", accountId);
        charge.Parameters.AddWithValue("$day", day);
        charge.Parameters.AddWithValue("$bytes", bytes);
        charge.ExecuteNonQuery();
    }
}
