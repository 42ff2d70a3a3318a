using System.Threading.RateLimiting;
using Roost.Server.Options;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Counts failed log-ins per username (existing or not, so the limit reveals nothing). While an account is over its
/// limit, every attempt is refused before the password is checked, even a right one.
/// </summary>
public sealed class LoginFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginFailureLimiter(WindowLimit limit)
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

    /// <summary>Whether <paramref name="normalizedUsername"/> has used up its failures; if so, how long until it may try again.</summary>
    public bool IsBlocked(string normalizedUsername, out TimeSpan? retryAfter)
    {
        // Asking for zero permits reports whether any are left without using one.
        using var probe = _limiter.AttemptAcquire(normalizedUsername, 0);
        retryAfter = !probe.IsAcquired && probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return !probe.IsAcquired;
    }

    public void RecordFailure(string normalizedUsername) => _limiter.AttemptAcquire(normalizedUsername, 1).Dispose();

    public void Dispose() => _limiter.Dispose();
}
