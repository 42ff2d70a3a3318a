namespace Roost.Core.RateLimiting;

/// <summary>
/// A token bucket: <see cref="BucketLimit.Burst"/> tokens at most, refilled continuously at <see cref="BucketLimit.Rate"/>
/// per <see cref="BucketLimit.Period"/>. Taking never blocks: it succeeds, or says how long until it would.
/// Thread-safe. Times are UTC ticks (<see cref="TimeProvider.GetUtcNow"/>): a clock that steps back refills nothing.
/// </summary>
public sealed class TokenBucket
{
    /// <summary>The longest wait ever suggested; also keeps extreme settings from overflowing a TimeSpan.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly double _burst;
    private readonly double _tokensPerSecond;
    private double _tokens;
    private long _updatedAt;

    public TokenBucket(BucketLimit limit, long now)
    {
        ArgumentNullException.ThrowIfNull(limit);
        _burst = limit.Burst;
        _tokensPerSecond = limit.Rate / limit.Period.TotalSeconds;
        _tokens = limit.Burst;
        _updatedAt = now;
    }

    /// <summary>Takes <paramref name="cost"/> tokens, or none; returns null on success, else the wait until enough have refilled.</summary>
    public TimeSpan? TryTake(double cost, long now)
    {
        lock (_gate)
        {
            Refill(now);
            if (_tokens >= cost)
            {
                _tokens -= cost;
                return null;
            }

            // A cost above the burst can never be paid at once; callers keep costs within it (a body is at most the bytes burst).
            var missing = Math.Min(cost, _burst) - _tokens;
            return TimeSpan.FromSeconds(Math.Clamp(missing / _tokensPerSecond, 0.001, MaxWait.TotalSeconds));
        }
    }

    /// <summary>Gives back tokens taken for an operation that another bucket then refused.</summary>
    public void Refund(double cost)
    {
        lock (_gate)
        {
            _tokens = Math.Min(_burst, _tokens + cost);
        }
    }

    /// <summary>True when the bucket is full at <paramref name="now"/>: forgetting it changes nothing.</summary>
    public bool IsFull(long now)
    {
        lock (_gate)
        {
            Refill(now);
            return _tokens >= _burst;
        }
    }

    private void Refill(long now)
    {
        var elapsed = now - _updatedAt;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsed * _tokensPerSecond / TimeSpan.TicksPerSecond));
        }

        // A clock that stepped back refills nothing, and the bucket refills from the new time on instead of
        // freezing until the clock catches up with the old one.
        _updatedAt = now;
    }
}
