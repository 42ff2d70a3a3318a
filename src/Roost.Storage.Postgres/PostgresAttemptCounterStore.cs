using Roost.Core.RateLimiting;

namespace Roost.Storage.Postgres;

/// <summary>Attempt counters through the writer: a take loads the key's row and writes what the Core rule decides, in one savepoint.</summary>
internal sealed class PostgresAttemptCounterStore(PostgresStore store) : IAttemptCounterStore
{
    public Task<AttemptTake> TryTakeAsync(string key, AttemptWindow limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        FixedWindowRule.Check(key, limit);
        return store.WriteAsync(async context =>
        {
            var stored = await context.Command("SELECT count, window_end FROM attempt_counters WHERE key = @key")
                .With("key", key)
                .ReadFirstAsync(row => new AttemptCount(row.GetInt32(0), row.GetTime(1)));

            var decision = FixedWindowRule.Decide(stored, limit, now);
            if (decision.Write is { } write)
            {
                await context.Command("""
                        INSERT INTO attempt_counters (key, count, window_end) VALUES (@key, @count, @end)
                        ON CONFLICT (key) DO UPDATE SET count = excluded.count, window_end = excluded.window_end
                        """)
                    .With("key", key)
                    .With("count", write.Count)
                    .With("end", write.WindowEnd)
                    .RunAsync();
            }

            return decision.Take;
        }, cancellationToken);
    }

    public Task<int> DeleteEndedAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        return store.WriteAsync(context => context.Command("""
                DELETE FROM attempt_counters WHERE key IN (
                    SELECT key FROM attempt_counters WHERE window_end <= @now ORDER BY window_end LIMIT @max)
                """)
            .With("now", now)
            .With("max", maxRows)
            .RunAsync(), cancellationToken);
    }
}
