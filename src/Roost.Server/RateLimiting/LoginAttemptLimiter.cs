using System.Threading.RateLimiting;
using Roost.Server.Options;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Counts log-in attempts per username (existing or not, so the limit reveals nothing). A permit is taken before the
/// password is checked, so parallel guesses cannot slip past the limit; past it, every attempt is refused, even a
/// right one, until the window ends.
/// </summary>
public sealed class LoginAttemptLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginAttemptLimiter(WindowLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        _limiter = PartitionedRateLimiter.Create<string, string>(username => RateLimitPartition.GetFixedWindowLimiter(
            username,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one attempt for <paramref name="normalizedUsername"/>; false (with the wait) when none is left.</summary>
    public bool TryAcquire(string normalizedUsername, out TimeSpan? retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(normalizedUsername, 1);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
