using Roost.Core.Delivery;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteEventStore(SqliteStore store) : IEventStore
{
    public Task<long> GetHeadCursorAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(SqliteQueries.HeadCursor, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>?> ReadAfterAsync(long accountId, long afterCursor, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<StoredEvent>?>(session =>
        {
            var horizon = (long)session.Command("SELECT horizon FROM event_log WHERE singleton = 1").ExecuteScalar()!;
            if (afterCursor < horizon)
            {
                return null;
            }

            var command = session.Command("""
                SELECT e.id, e.payload
                FROM event_recipients r JOIN events e ON e.id = r.event_id
                WHERE r.account_id = $account AND r.event_id > $after
                ORDER BY r.event_id LIMIT $limit
                """);
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$after", afterCursor);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var events = new List<StoredEvent>(Math.Min(limit, 256));
            while (reader.Read())
            {
                var cursor = reader.GetInt64(0);
                events.Add(new StoredEvent(cursor, EventFrames.Frame(cursor, (byte[])reader.GetValue(1))));
            }

            return events;
        }, cancellationToken);

    public Task<int> CompactAsync(DateTimeOffset olderThan, int maxEvents, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var oldest = context.Command("SELECT id, created_at FROM events WHERE id > (SELECT horizon FROM event_log) ORDER BY id LIMIT $max");
            oldest.Parameters.AddWithValue("$max", maxEvents);
            var rows = oldest.ReadAll(reader => (reader.GetInt64(0), SqliteTime.FromColumn(reader.GetInt64(1))));
            if (CompactionRule.NewHorizon(rows, olderThan) is not { } horizon)
            {
                return 0;
            }

            var recipients = context.Command("DELETE FROM event_recipients WHERE event_id <= $horizon");
            recipients.Parameters.AddWithValue("$horizon", horizon);
            recipients.ExecuteNonQuery();
            var events = context.Command("DELETE FROM events WHERE id <= $horizon");
            events.Parameters.AddWithValue("$horizon", horizon);
            var deleted = events.ExecuteNonQuery();
            var raise = context.Command("UPDATE event_log SET horizon = $horizon WHERE singleton = 1");
            raise.Parameters.AddWithValue("$horizon", horizon);
            raise.ExecuteNonQuery();
            return deleted;
        }, cancellationToken);
}
