namespace Roost.Core.Identity;

/// <summary>
/// How often codes may be sent to one number (or from one IP): up to <see cref="PermitLimit"/> within
/// <see cref="Window"/>; past that, each further send in the day waits twice as long as the one before, starting at
/// <see cref="Backoff"/> and capped at a day.
/// </summary>
public sealed record SendThrottle(int PermitLimit, TimeSpan Window, TimeSpan Backoff)
{
    public static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    /// <summary>Null when a send is allowed now; otherwise how long to wait. <paramref name="recentSends"/>: sends within the last day, any order.</summary>
    public TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> recentSends, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(recentSends);
        var inDay = recentSends.Where(s => now - s < Memory).Order().ToList();
        if (inDay.Count < PermitLimit)
        {
            return null;
        }

        // The k-th send beyond the limit (k = 0, 1, …) waits Backoff × 2^k after the previous send…
        var beyond = inDay.Count - PermitLimit;
        var wait = TimeSpan.FromTicks(Math.Min(Backoff.Ticks * (1L << Math.Min(beyond, 20)), Memory.Ticks));
        var allowedAt = inDay[^1] + wait;

        // …and never while the window already holds the limit.
        var inWindow = inDay.Where(s => now - s < Window).ToList();
        if (inWindow.Count >= PermitLimit && inWindow[0] + Window > allowedAt)
        {
            allowedAt = inWindow[0] + Window;
        }

        return allowedAt <= now ? null : allowedAt - now;
    }
}
