namespace Roost.Core.RateLimiting;

/// <summary>One key's stored window: the attempts counted in it, and when it ends.</summary>
public sealed record AttemptCount(int Count, DateTimeOffset WindowEnd);

/// <summary>The answer to one take: allowed, or refused with the wait until the key's window ends.</summary>
public readonly record struct AttemptTake(bool Allowed, TimeSpan RetryAfter)
{
    public static AttemptTake Granted => new(true, TimeSpan.Zero);
}

/// <param name="Write">What to store for the key (insert or replace); null when the take is refused and nothing changes.</param>
public sealed record AttemptDecision(AttemptTake Take, AttemptCount? Write);

/// <summary>
/// The fixed-window rule every engine applies, so none has its own copy: an engine loads the key's row, calls
/// <see cref="Decide"/> and writes what it says, in one transaction.
/// </summary>
public static class FixedWindowRule
{
    /// <summary>Longest key: keys are built from usernames, networks, ids and device key ids, never from secrets.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>Throws for a key or a limit no caller should build; engines call it before they touch the store.</summary>
    public static void Check(string key, AttemptWindow limit)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(limit.PermitLimit, 1, nameof(limit));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit.Window, TimeSpan.Zero, nameof(limit));
    }

    /// <summary>
    /// A window starts at the first attempt after the previous one ended and keeps the length it started with (a
    /// changed setting applies from the next window). It ends at <see cref="AttemptCount.WindowEnd"/> exactly: an
    /// attempt at that instant opens a new one. Within a window, an attempt is allowed while the count is below the
    /// limit, so the attempt that would make it <c>PermitLimit + 1</c> is refused, with the wait until the window ends.
    /// </summary>
    public static AttemptDecision Decide(AttemptCount? stored, AttemptWindow limit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (stored is null || HasEnded(stored, now))
        {
            return new AttemptDecision(AttemptTake.Granted, new AttemptCount(1, now + limit.Window));
        }

        return stored.Count >= limit.PermitLimit
            ? new AttemptDecision(new AttemptTake(false, stored.WindowEnd - now), null)
            : new AttemptDecision(AttemptTake.Granted, stored with { Count = stored.Count + 1 });
    }

    /// <summary>Whether the window is over at <paramref name="now"/>; such a row is what pruning deletes.</summary>
    public static bool HasEnded(AttemptCount stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return now >= stored.WindowEnd;
    }
}
