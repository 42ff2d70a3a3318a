namespace Roost.Core.RateLimiting;

/// <summary>
/// Fixed-window attempt counters kept in the store, so they survive restarts and every node on one database shares
/// them. Counts what guards a secret: log-in attempts, password checks, second factors.
/// </summary>
public interface IAttemptCounterStore
{
    /// <summary>
    /// Takes one attempt from <paramref name="key"/>'s window, atomically: the key's row is loaded, decided by
    /// <see cref="FixedWindowRule.Decide"/> and written in one transaction, so parallel takes never pass the limit.
    /// </summary>
    Task<AttemptTake> TryTakeAsync(string key, AttemptWindow limit, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="maxRows"/> counters whose window ended at or before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteEndedAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken);
}
