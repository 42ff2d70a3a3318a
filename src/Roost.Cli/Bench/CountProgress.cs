using System.Globalization;

namespace Roost.Cli.Bench;

/// <summary>A progress line for a set-up phase that counts towards a known total ("12.0s  conversations 1200/5000  600/s").</summary>
internal sealed class CountProgress(string what, long total, Func<long> read)
{
    private TimeSpan _lastElapsed;
    private long _lastDone;

    public string Line(TimeSpan elapsed)
    {
        var done = read();
        var seconds = (elapsed - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (done - _lastDone) / seconds : 0;
        _lastElapsed = elapsed;
        _lastDone = done;
        return string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds,6:0.0}s  {what} {done}/{total}  {rate:0}/s");
    }

    /// <summary>Runs <paramref name="work"/>, with a line a second on <paramref name="writer"/> while it does (none when null).</summary>
    public static Task RunAsync(TextWriter? writer, string what, long total, Func<long> read, Func<Task> work) =>
        RunAsync(writer, what, total, read, async () =>
        {
            await work();
            return true;
        });

    /// <summary>Runs <paramref name="work"/>, with a line a second on <paramref name="writer"/> while it does (none when null).</summary>
    public static async Task<T> RunAsync<T>(TextWriter? writer, string what, long total, Func<long> read, Func<Task<T>> work)
    {
        if (writer is null)
        {
            return await work();
        }

        using var stop = new CancellationTokenSource();
        var progress = BenchProgress.RunAsync(writer, new CountProgress(what, total, read).Line, stop.Token);
        try
        {
            return await work();
        }
        finally
        {
            await stop.CancelAsync();
            await progress;
        }
    }
}
