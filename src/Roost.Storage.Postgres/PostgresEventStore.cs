using Roost.Core.Delivery;

namespace Roost.Storage.Postgres;

internal sealed class PostgresEventStore(PostgresStore store) : IEventStore
{
    public Task<long> GetHeadCursorAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(PostgresQueries.HeadCursorAsync, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>?> ReadAfterAsync(long accountId, long afterCursor, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<StoredEvent>?>(async session =>
        {
            var horizon = (long)(await session.Command("SELECT horizon FROM event_log").ScalarAsync())!;
            if (afterCursor < horizon)
            {
                return null;
            }

            return await session.Command("""
                    SELECT e.id, e.payload
                    FROM event_recipients r JOIN events e ON e.id = r.event_id
                    WHERE r.account_id = @account AND r.event_id > @after
                    ORDER BY r.event_id LIMIT @limit
                    """)
                .With("account", accountId)
                .With("after", afterCursor)
                .With("limit", limit)
                .ReadAllAsync(reader =>
                {
                    var cursor = reader.GetInt64(0);
                    return new StoredEvent(cursor, EventFrames.Frame(cursor, reader.GetFieldValue<byte[]>(1)));
                });
        }, cancellationToken);

    public Task<int> CompactAsync(DateTimeOffset olderThan, int maxEvents, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            var oldest = await context.Command("SELECT id, created_at FROM events WHERE id > (SELECT horizon FROM event_log) ORDER BY id LIMIT @max")
                .With("max", maxEvents)
                .ReadAllAsync(reader => (reader.GetInt64(0), reader.GetTime(1)));
            if (CompactionRule.NewHorizon(oldest, olderThan) is not { } horizon)
            {
                return 0;
            }

            await context.Command("DELETE FROM event_recipients WHERE event_id <= @horizon").With("horizon", horizon).RunAsync();
            var deleted = await context.Command("DELETE FROM events WHERE id <= @horizon").With("horizon", horizon).RunAsync();
            await context.Command("UPDATE event_log SET horizon = @horizon").With("horizon", horizon).RunAsync();
            return deleted;
        }, cancellationToken);
}
