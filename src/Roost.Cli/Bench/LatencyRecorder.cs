using System.Diagnostics;

namespace Roost.Cli.Bench;

/// <summary>
/// Latency samples in microseconds. Keeps every sample up to a bound, then a uniform reservoir of that size, so
/// memory stays bounded however long a run is.
/// </summary>
internal sealed class LatencyRecorder(int capacity = 1_000_000)
{
    private readonly List<long> _samples = new(Math.Min(capacity, 65_536));
    private readonly Lock _gate = new();
    private long _seen;
    private long _max;

    public long Count => Interlocked.Read(ref _seen);

    public void RecordSince(long startTimestamp) => Record(Stopwatch.GetElapsedTime(startTimestamp));

    public void Record(TimeSpan elapsed) => Record(elapsed.Ticks / 10);

    public void Record(long microseconds)
    {
        lock (_gate)
        {
            _seen++;
            _max = Math.Max(_max, microseconds);
            if (_samples.Count < capacity)
            {
                _samples.Add(microseconds);
            }
            else
            {
                var slot = Random.Shared.NextInt64(_seen);
                if (slot < capacity)
                {
                    _samples[(int)slot] = microseconds;
                }
            }
        }
    }

    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return new LatencySummary(0, 0, 0, 0, 0, 0);
            }

            var sorted = _samples.ToArray();
            Array.Sort(sorted);
            double At(double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] / 1000.0;
            return new LatencySummary(_seen, At(0.50), At(0.90), At(0.99), At(0.999), _max / 1000.0);
        }
    }
}

/// <summary>Latency in milliseconds.</summary>
public sealed record LatencySummary(long Samples, double P50, double P90, double P99, double P999, double Max);
