namespace Roost.Core.Push;

public enum BreakerState
{
    Closed,
    Open,

    /// <summary>Open time is over: one probe is in flight, and its answer closes or reopens the breaker.</summary>
    HalfOpen,
}

/// <summary>A partition's breaker as operators see it.</summary>
public sealed record BreakerSnapshot(PushPartition Partition, BreakerState State, int ConsecutiveFailures, DateTimeOffset? OpenUntil, string? LastError);

/// <summary>
/// One circuit breaker per partition (APNs topic and environment, FCM project, Web Push origin): a broken app or a
/// failing push service stops only its own traffic. Written here rather than with Polly's breaker because the
/// dispatcher must ask a partition's state <em>before</em> it sends (to hold its jobs without spending attempts) and
/// list every partition for operators; Polly's answers only by throwing from inside an execution.
/// </summary>
public sealed class PartitionBreakers(PushPolicy policy, TimeProvider time)
{
    /// <summary>Partitions remembered; the least recently failing closed ones go first when full.</summary>
    public const int MaxPartitions = 10_000;

    private static readonly TimeSpan MaxOpen = TimeSpan.FromHours(1);

    private readonly Dictionary<PushPartition, Breaker> _breakers = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// Whether a push to the partition may go now; false means hold it until <paramref name="retryAt"/>. Once the open
    /// time is over, one caller gets true (the probe) and the rest wait for its <see cref="Record"/>; a probe that
    /// never reports back is replaced after another open time.
    /// </summary>
    public bool TryPass(PushPartition partition, out DateTimeOffset retryAt)
    {
        var now = time.GetUtcNow();
        retryAt = now;
        lock (_gate)
        {
            if (!_breakers.TryGetValue(partition, out var breaker) || breaker.State == BreakerState.Closed)
            {
                return true;
            }

            if (now >= breaker.OpenUntil)
            {
                breaker.State = BreakerState.HalfOpen;
                breaker.OpenUntil = now + policy.BreakerOpenFor;
                return true;
            }

            retryAt = breaker.OpenUntil;
            return false;
        }
    }

    /// <summary>Whether the partition's pushes are held now (open, or a probe is out), without taking the probe.</summary>
    public bool IsHeld(PushPartition partition, out DateTimeOffset retryAt)
    {
        var now = time.GetUtcNow();
        retryAt = now;
        lock (_gate)
        {
            if (_breakers.TryGetValue(partition, out var breaker) && breaker.State != BreakerState.Closed && now < breaker.OpenUntil)
            {
                retryAt = breaker.OpenUntil;
                return true;
            }

            return false;
        }
    }

    /// <summary>Records a push's outcome: a partition failure counts; anything else the partition answered closes the breaker.</summary>
    public void Record(PushPartition partition, PushOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (outcome.Kind != PushOutcomeKind.PartitionFailure)
            {
                if (_breakers.Remove(partition, out var closed) && closed.State != BreakerState.Closed)
                {
                    Closed?.Invoke(partition);
                }

                return;
            }

            if (!_breakers.TryGetValue(partition, out var breaker))
            {
                if (_breakers.Count >= MaxPartitions)
                {
                    Evict();
                }

                breaker = new Breaker();
                _breakers[partition] = breaker;
            }

            breaker.Failures++;
            breaker.LastError = outcome.Reason;
            if (breaker.State == BreakerState.HalfOpen || breaker.Failures >= policy.BreakerFailures)
            {
                // A provider's Retry-After may hold it longer, up to an hour (as for a job's own retry).
                var openFor = outcome.RetryAfter is { } after && after > policy.BreakerOpenFor ? (after < MaxOpen ? after : MaxOpen) : policy.BreakerOpenFor;
                var wasOpen = breaker.State != BreakerState.Closed;
                breaker.State = BreakerState.Open;
                breaker.OpenUntil = now + openFor;
                if (!wasOpen)
                {
                    Opened?.Invoke(partition, outcome.Reason);
                }
            }
        }
    }

    /// <summary>Raised (under the breakers' lock: keep it quick) when a partition's breaker opens.</summary>
    public event Action<PushPartition, string>? Opened;

    public event Action<PushPartition>? Closed;

    public IReadOnlyList<BreakerSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return [.. _breakers.Select(pair => new BreakerSnapshot(
                pair.Key,
                pair.Value.State,
                pair.Value.Failures,
                pair.Value.State == BreakerState.Closed ? null : pair.Value.OpenUntil,
                pair.Value.LastError))];
        }
    }

    public BreakerState StateOf(PushPartition partition)
    {
        lock (_gate)
        {
            return _breakers.TryGetValue(partition, out var breaker) ? breaker.State : BreakerState.Closed;
        }
    }

    private void Evict()
    {
        var closed = _breakers.Where(pair => pair.Value.State == BreakerState.Closed).Select(pair => pair.Key).Take(MaxPartitions / 10).ToList();
        foreach (var partition in closed.Count > 0 ? closed : [.. _breakers.Keys.Take(MaxPartitions / 10)])
        {
            _breakers.Remove(partition);
        }
    }

    private sealed class Breaker
    {
        public BreakerState State { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset OpenUntil { get; set; }

        public string? LastError { get; set; }
    }
}
