using System.Diagnostics;
using System.Globalization;

namespace Roost.Cli.Bench;

/// <summary>Counts a running workload has reached; read without locks, so a line may mix counts a moment apart.</summary>
internal readonly record struct BenchCounts(long Sent, long Acked, long Delivered);

/// <summary>
/// One plain line per second on stderr while a workload sends and waits ("3s  sent 1200  acked 1180  delivered 1175
/// 390 acked/s"), and a last one when it stops. Cheap: a read of three counters per line; bounded: one line a second.
/// </summary>
internal sealed class BenchProgress(TextWriter writer, Func<BenchCounts> read)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private TimeSpan _lastElapsed;
    private long _lastAcked;

    /// <summary>The line for <paramref name="elapsed"/>; the rate is of acks since the previous line.</summary>
    public string Line(TimeSpan elapsed, BenchCounts counts)
    {
        var seconds = (elapsed - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (counts.Acked - _lastAcked) / seconds : 0;
        _lastElapsed = elapsed;
        _lastAcked = counts.Acked;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,6:0.0}s  sent {counts.Sent}  acked {counts.Acked}  delivered {counts.Delivered}  {rate:0} acked/s");
    }

    /// <summary>Writes a line every <see cref="Interval"/> until <paramref name="stop"/> fires, then a last one.</summary>
    public Task RunAsync(CancellationToken stop) => RunAsync(writer, elapsed => Line(elapsed, read()), stop);

    /// <summary>Writes <paramref name="line"/> of the time elapsed every <see cref="Interval"/> until <paramref name="stop"/> fires, then a last one.</summary>
    public static async Task RunAsync(TextWriter writer, Func<TimeSpan, string> line, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await WriteAsync(writer, line(Stopwatch.GetElapsedTime(started)));
            }
        }
        catch (OperationCanceledException)
        {
            // The workload finished.
        }

        await WriteAsync(writer, line(Stopwatch.GetElapsedTime(started)));
    }

    private static async Task WriteAsync(TextWriter writer, string line)
    {
        try
        {
            await writer.WriteLineAsync(line);
            await writer.FlushAsync();
        }
        catch (IOException)
        {
            // A closed stderr (a pipe whose reader left) must not fail the run.
        }
    }
}
