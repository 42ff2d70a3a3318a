using Roost.Core.RateLimiting;

namespace Roost.Storage.Sqlite;

/// <summary>Attempt counters on the single writer: a take loads the key's row and writes what the Core rule decides, in one savepoint.</summary>
internal sealed class SqliteAttemptCounterStore(SqliteStore store) : IAttemptCounterStore
{
    public Task<AttemptTake> TryTakeAsync(string key, AttemptWindow limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        FixedWindowRule.Check(key, limit);
        return store.WriteAsync(context =>
        {
            var load = context.Command("SELECT count, window_end FROM attempt_counters WHERE key = $key");
            load.Parameters.AddWithValue("$key", key);
            var stored = load.ReadAll(row => new AttemptCount(row.GetInt32(0), SqliteTime.FromColumn(row.GetInt64(1)))).SingleOrDefault();

            var decision = FixedWindowRule.Decide(stored, limit, now);
            if (decision.Write is { } write)
            {
                var save = context.Command("""
                    INSERT INTO attempt_counters (key, count, window_end) VALUES ($key, $count, $end)
                    ON CONFLICT (key) DO UPDATE SET count = excluded.count, window_end = excluded.window_end
                    """);
                save.Parameters.AddWithValue("$key", key);
                save.Parameters.AddWithValue("$count", write.Count);
                save.Parameters.AddWithValue("$end", SqliteTime.ToColumn(write.WindowEnd));
                save.ExecuteNonQuery();
            }

            return decision.Take;
        }, cancellationToken);
    }

    public Task<int> DeleteEndedAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        return store.WriteAsync(context =>
        {
            var delete = context.Command("""
                DELETE FROM attempt_counters WHERE key IN (
                    SELECT key FROM attempt_counters WHERE window_end <= $now ORDER BY window_end LIMIT $max)
                """);
            delete.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            delete.Parameters.AddWithValue("$max", maxRows);
            return delete.ExecuteNonQuery();
        }, cancellationToken);
    }
}
