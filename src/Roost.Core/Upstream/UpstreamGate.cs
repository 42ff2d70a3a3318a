using Roost.Core.RateLimiting;

namespace Roost.Core.Upstream;

/// <summary>
/// A bounded, concurrency-aware way out to one upstream service (a push provider today; link previews and webhooks
/// later): at most <c>maxConcurrency</c> requests in flight, and a token bucket per partition (an app, a host) so a
/// burst to 100,000 devices becomes a paced stream instead of 100,000 requests. Waiting for the rate holds no
/// concurrency slot. Every wait is bounded by the caller's cancellation.
/// </summary>
public sealed class UpstreamGate : IDisposable
{
    /// <summary>Partitions with their own bucket; beyond it, idle (full) buckets are forgotten first.</summary>
    public const int MaxPartitions = 10_000;

    private readonly SemaphoreSlim _slots;
    private readonly BucketTable<string>? _rates;
    private readonly TimeProvider _time;
    private int _inFlight;
    private int _peakInFlight;

    /// <param name="ratePerPartition">Requests per second per partition, with <paramref name="burst"/>; 0 for no rate limit.</param>
    public UpstreamGate(int maxConcurrency, double ratePerPartition, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        _rates = ratePerPartition > 0
            ? new BucketTable<string>(new BucketLimit { Rate = ratePerPartition, Burst = Math.Max(1, burst) }, MaxPartitions)
            : null;
        _time = time;
        MaxConcurrency = maxConcurrency;
    }

    public int MaxConcurrency { get; }

    /// <summary>Requests in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most ever in flight at once (what a test of the limit checks).</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Waits for the partition's rate, then for a slot; dispose the lease when the request is answered.</summary>
    public async ValueTask<Lease> EnterAsync(string partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (_rates is not null)
        {
            while (_rates.Get(partition, _time.GetUtcNow().UtcTicks).TryTake(1, _time.GetUtcNow().UtcTicks) is { } wait)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peakInFlight)) && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak)
        {
        }

        return new Lease(this);
    }

    public void Dispose() => _slots.Dispose();

    private void Leave()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    /// <summary>A slot held until disposed (once).</summary>
    public struct Lease : IDisposable
    {
        private UpstreamGate? _gate;

        internal Lease(UpstreamGate gate) => _gate = gate;

        public void Dispose()
        {
            var gate = Interlocked.Exchange(ref _gate, null);
            gate?.Leave();
        }
    }
}
