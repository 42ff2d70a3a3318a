namespace Roost.Core.Identity;

/// <summary>
/// When a one-time code or a pending log-in may take another guess, and how long expired ones are kept. The attempt
/// is counted before the guess is checked, whatever it turns out to be: the guess after the last allowed fails even
/// when right.
/// </summary>
public static class AttemptRules
{
    /// <summary>Expired challenges are kept this long past their expiry, then pruned as new ones arrive.</summary>
    private static readonly TimeSpan ChallengeRetention = TimeSpan.FromDays(1);

    public static bool IsLive(DateTimeOffset expiresAt, DateTimeOffset now) => expiresAt > now;

    /// <summary>True when one more attempt may be counted: the code or challenge is live and has attempts left.</summary>
    public static bool MayAttempt(int attempts, int maxAttempts, DateTimeOffset expiresAt, DateTimeOffset now) =>
        attempts < maxAttempts && IsLive(expiresAt, now);

    /// <summary>Challenges that expired before this are pruned when one expiring at <paramref name="newExpiresAt"/> is created.</summary>
    public static DateTimeOffset ChallengePruneBefore(DateTimeOffset newExpiresAt) => newExpiresAt - ChallengeRetention;
}
