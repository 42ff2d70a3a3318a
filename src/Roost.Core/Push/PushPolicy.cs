namespace Roost.Core.Push;

/// <summary>How the push queue behaves; from <c>Roost:Push</c>.</summary>
public sealed record PushPolicy
{
    /// <summary>After a push for a conversation, more messages in it wait this long before the next push (one push per window).</summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a provider may hold a push for an unreachable device.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Attempts before a job becomes a dead letter.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The first retry's delay; each later one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed job is held for one node; a node that dies holding it lets it go after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Jobs claimed per store read.</summary>
    public int ClaimBatch { get; init; } = 200;

    /// <summary>Requests in flight at once per provider (APNs, FCM, Web Push): a burst never opens more.</summary>
    public int MaxConcurrencyPerProvider { get; init; } = 64;

    /// <summary>Pushes per second per partition (APNs topic, FCM project, Web Push service); 0 for no limit.</summary>
    public double RatePerPartition { get; init; } = 500;

    /// <summary>The burst a partition may send above its rate.</summary>
    public int BurstPerPartition { get; init; } = 100;

    /// <summary>A partition's breaker opens after this many consecutive failures...</summary>
    public int BreakerFailures { get; init; } = 5;

    /// <summary>...and stays open this long before one probe is let through.</summary>
    public TimeSpan BreakerOpenFor { get; init; } = TimeSpan.FromSeconds(30);
}
