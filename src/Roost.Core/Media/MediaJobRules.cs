namespace Roost.Core.Media;

/// <summary>
/// The processing queue's and the sweeper's rules, as plain functions: the stores load and write, the services wait.
/// </summary>
public static class MediaJobRules
{
    /// <summary>Claims a job may have before it is refused for good (a run that crashed the process counts too).</summary>
    public const int MaxAttempts = 5;

    /// <summary>How long a job waits for a blob the sweeper is deleting (such a wait does not use up an attempt).</summary>
    public static readonly TimeSpan BusyDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A claimed job whose attempts are used up is refused instead of run again: <paramref name="attempts"/> counts
    /// the claims so far, each of which either failed or never finished (the process died).
    /// </summary>
    public static bool IsExhausted(int attempts, int maxAttempts) => attempts >= maxAttempts;

    /// <summary>When a job that failed (on its <paramref name="attempts"/>-th claim) is tried again: 4, 16, 64, 256 s.</summary>
    public static TimeSpan RetryDelay(int attempts) => TimeSpan.FromSeconds(Math.Pow(4, Math.Clamp(attempts, 1, 8)));

    /// <summary>How often a running job renews its lease: three times per lease, so one missed renewal is not fatal.</summary>
    public static TimeSpan LeaseRenewal(TimeSpan lease) => lease / 3;

    /// <summary>
    /// Whether a sweeper that claimed blobs at <paramref name="claimedAt"/> may still delete their objects at
    /// <paramref name="now"/>. A claim older than <paramref name="grace"/> is stale and another sweeper takes it over
    /// (re-reserving the key can follow), so a sweeper stops deleting at half the grace and leaves the rest.
    /// </summary>
    public static bool ClaimStillHeld(DateTimeOffset claimedAt, DateTimeOffset now, TimeSpan grace) => now - claimedAt < grace / 2;
}
