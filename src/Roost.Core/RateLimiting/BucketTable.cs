using System.Collections.Concurrent;

namespace Roost.Core.RateLimiting;

/// <summary>
/// One token bucket per key, bounded: past <see cref="_capacity"/> keys, buckets that have refilled completely are
/// forgotten (they hold no information). Should the table still be full of busy keys, a new key is checked against a
/// fresh bucket without being stored: it cannot be tracked, and refusing it would punish someone for another's load.
/// </summary>
/// <remarks>Times are UTC ticks from the caller's <see cref="TimeProvider.GetUtcNow"/>, so a test clock moves them.</remarks>
public sealed class BucketTable<TKey>(BucketLimit limit, int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TokenBucket> _buckets = new();
    private readonly int _capacity = capacity;
    private long _lastSweep;

    public int Count => _buckets.Count;

    public TokenBucket Get(TKey key, long now)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            return bucket;
        }

        if (_buckets.Count >= _capacity)
        {
            Sweep(now);
            if (_buckets.Count >= _capacity)
            {
                return new TokenBucket(limit, now);
            }
        }

        return _buckets.GetOrAdd(key, static (_, state) => new TokenBucket(state.limit, state.now), (limit, now));
    }

    /// <summary>Forgets full buckets; at most once a second, so a table under pressure is not swept on every call.</summary>
    private void Sweep(long now)
    {
        var last = Volatile.Read(ref _lastSweep);
        var since = now - last;
        if (last != 0 && since >= 0 && since < TimeSpan.TicksPerSecond)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(now))
            {
                _buckets.TryRemove(new KeyValuePair<TKey, TokenBucket>(key, bucket));
            }
        }
    }
}
