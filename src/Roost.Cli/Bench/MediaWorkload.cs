using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Spectre.Console;

namespace Roost.Cli.Bench;

/// <summary>
/// <c>roost bench media</c>: for each size, tus uploads through <see cref="Roost.Client.RoostClient"/> (content
/// streamed, never a whole file in memory) timed to the server's acknowledgement of the last byte and, apart, to
/// <c>ready</c>; then downloads of one of the files from the download URL (the server, or a proxy in front of it).
/// Given the server's pid, its memory (VmRSS) is sampled before and during the uploads.
/// </summary>
internal static class MediaWorkload
{
    private const string ContentType = "application/pdf";

    /// <summary>How often the server's memory is read while uploads run.</summary>
    private static readonly TimeSpan MemoryInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<BenchReport> RunAsync(MediaSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var report = new BenchReport("media");
        report.Parameters["url"] = settings.Url.ToString();
        report.Parameters["download url"] = settings.DownloadUrl.ToString();
        report.Parameters["sizes"] = string.Join(", ", settings.Sizes.Select(MediaSettings.FormatSize));
        report.Parameters["uploads per size"] = settings.Count;
        report.Parameters["concurrent uploads"] = settings.Concurrency;
        report.Parameters["chunk size"] = MediaSettings.FormatSize(settings.ChunkSize);
        report.Parameters["downloads per size"] = settings.Downloads;
        report.Parameters["concurrent downloads"] = settings.DownloadConcurrency;
        var server = ServerProcess.Find(settings.ServerPid);
        var proxy = ServerProcess.Find(settings.ProxyPids);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        var prefix = settings.Prefix ?? BenchSettings.FreshPrefix();
        List<BenchUser> users = [];
        using var downloads = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.DownloadConcurrency, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = WithTrailingSlash(settings.DownloadUrl),
            Timeout = Timeout.InfiniteTimeSpan, // bounded by --timeout instead: a 100 MiB answer may take long through a slow proxy
        };
        try
        {
            // One user per concurrent upload: the server limits uploads in progress and bytes per day per account.
            console.MarkupLineInterpolated($"Creating {settings.Concurrency} users ({prefix}_*)…");
            users = await BenchUsers.SignInAsync(settings.Url, settings.Concurrency, prefix, BenchSignIn.RegisterOrLogIn, Math.Max(4, settings.Concurrency), null, deadline.Token);
            foreach (var size in settings.Sizes)
            {
                var label = MediaSettings.FormatSize(size);
                console.MarkupLineInterpolated($"Uploading {settings.Count} × {label}, {settings.Concurrency} at once, in chunks of {MediaSettings.FormatSize(settings.ChunkSize)}…");
                var ready = await UploadAsync(report, settings, label, size, prefix, users, server, deadline.Token);
                if (settings.Downloads > 0)
                {
                    console.MarkupLineInterpolated($"Downloading {label} {settings.Downloads} times, {settings.DownloadConcurrency} at once, from {settings.DownloadUrl}…");
                    await DownloadAsync(report, settings, label, size, ready, downloads, server, proxy, deadline.Token);
                }
            }

            if (server is not null)
            {
                report.Results["server peak rss (VmHWM) MiB"] = Math.Round(server.PeakResidentBytes() / 1048576.0, 1);
            }

            return report;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The run did not finish within --timeout {settings.Timeout}.");
        }
        finally
        {
            await BenchUsers.DisposeAsync(users);
        }
    }

    /// <summary>Results in MiB per second over a wall time.</summary>
    internal static double MebibytesPerSecond(long bytes, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero ? Math.Round(bytes / 1048576.0 / elapsed.TotalSeconds, 1) : 0;

    /// <summary>Memory per concurrent upload in KiB: the peak during the uploads over the level before them, shared out.</summary>
    internal static double KibibytesPerUpload(long before, long peak, int concurrency) =>
        Math.Round(Math.Max(0, peak - before) / 1024.0 / concurrency, 0);

    /// <summary>Uploads --count files of <paramref name="size"/>; returns one that is ready, with its owner.</summary>
    private static async Task<(BenchUser Owner, string MediaId)> UploadAsync(
        BenchReport report, MediaSettings settings, string label, long size, string prefix, List<BenchUser> users, ServerProcess? server, CancellationToken cancellationToken)
    {
        var pool = Channel.CreateUnbounded<BenchUser>();
        foreach (var user in users)
        {
            pool.Writer.TryWrite(user);
        }

        var uploadLatency = new LatencyRecorder();
        var readyLatency = new LatencyRecorder();
        var readyChecks = new ConcurrentBag<Task<(BenchUser, string)>>();
        var acked = 0L;
        using var sampling = new CancellationTokenSource();
        var rssBefore = server?.ResidentBytes() ?? 0;
        var rssPeak = server is null ? Task.FromResult(0L) : SamplePeakAsync(server, rssBefore, sampling.Token);
        var started = Stopwatch.GetTimestamp();
        await CountProgress.RunAsync(settings.Progress, $"{label} uploads", settings.Count, () => Interlocked.Read(ref acked), () =>
            Parallel.ForAsync(0, settings.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, token) =>
            {
                var user = await pool.Reader.ReadAsync(token);
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    await using var content = new SyntheticDocument(size, $"{prefix} {label} {i}");
                    var id = await user.Client.UploadMediaAsync(content, size, $"bench-{i}.pdf", ContentType, settings.ChunkSize, token);
                    var lastByte = Stopwatch.GetTimestamp();
                    uploadLatency.Record(Stopwatch.GetElapsedTime(start, lastByte));
                    Interlocked.Increment(ref acked);
                    readyChecks.Add(WaitReadyAsync(user, id, lastByte, readyLatency, cancellationToken));
                }
                finally
                {
                    pool.Writer.TryWrite(user);
                }
            }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await sampling.CancelAsync();
        var peak = await rssPeak;
        var ready = await Task.WhenAll(readyChecks);
        var allReady = Stopwatch.GetElapsedTime(started);

        report.Results[$"{label} uploads"] = settings.Count;
        report.Results[$"{label} upload MiB/s"] = MebibytesPerSecond(size * settings.Count, elapsed);
        report.Results[$"{label} uploads/s"] = Math.Round(settings.Count / elapsed.TotalSeconds, 2);
        report.AddLatency($"{label} upload", uploadLatency.Summarize());
        report.AddLatency($"{label} last byte to ready", readyLatency.Summarize());
        report.Results[$"{label} all ready after s"] = Math.Round(allReady.TotalSeconds, 2);
        if (server is not null)
        {
            report.Results[$"{label} server rss before uploads MiB"] = Math.Round(rssBefore / 1048576.0, 1);
            report.Results[$"{label} server rss peak during uploads MiB"] = Math.Round(peak / 1048576.0, 1);
            report.Results[$"{label} server memory per concurrent upload KiB"] = KibibytesPerUpload(rssBefore, peak, settings.Concurrency);
        }

        return ready[0];
    }

    /// <summary>Reads the server's memory every 20 ms until stopped; the highest reading.</summary>
    private static async Task<long> SamplePeakAsync(ServerProcess server, long start, CancellationToken stop)
    {
        var peak = start;
        using var timer = new PeriodicTimer(MemoryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                peak = Math.Max(peak, server.ResidentBytes());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return Math.Max(peak, server.ResidentBytes());
    }

    /// <summary>Polls the media's state until ready, at a tenth of the time waited so far (1–20 ms), so the figure is within about 10 %.</summary>
    private static async Task<(BenchUser, string)> WaitReadyAsync(BenchUser user, string id, long lastByte, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        while (true)
        {
            var info = await user.Client.GetMediaInfoAsync(id, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            var waited = Stopwatch.GetElapsedTime(lastByte, now);
            if (info.State == "ready")
            {
                latency.Record(waited);
                return (user, id);
            }

            if (info.State == "failed")
            {
                throw new BenchSetupException($"The server refused upload {id}: {info.Error}.");
            }

            await Task.Delay(TimeSpan.FromTicks(Math.Clamp(waited.Ticks / 10, TimeSpan.TicksPerMillisecond, 20 * TimeSpan.TicksPerMillisecond)), cancellationToken);
        }
    }

    private static async Task DownloadAsync(
        BenchReport report, MediaSettings settings, string label, long size, (BenchUser Owner, string MediaId) media, HttpClient http,
        ServerProcess? server, ServerProcess? proxy, CancellationToken cancellationToken)
    {
        var serverCpu = server?.CpuSeconds() ?? 0;
        var proxyCpu = proxy?.CpuSeconds() ?? 0;
        var latency = new LatencyRecorder();
        var firstByte = new LatencyRecorder();
        var done = 0L;
        var failed = 0L;
        var bytes = 0L;
        string? firstFailure = null;
        var token = media.Owner.Client.AccessToken;
        var started = Stopwatch.GetTimestamp();
        await CountProgress.RunAsync(settings.Progress, $"{label} downloads", settings.Downloads, () => Interlocked.Read(ref done), () =>
            Parallel.ForAsync(0, settings.Downloads, new ParallelOptions { MaxDegreeOfParallelism = settings.DownloadConcurrency, CancellationToken = cancellationToken }, async (_, cancel) =>
            {
                var buffer = new byte[65_536];
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/media/{media.MediaId}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
                firstByte.RecordSince(start);
                var read = 0L;
                if (response.IsSuccessStatusCode)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(cancel);
                    int n;
                    while ((n = await body.ReadAsync(buffer, cancel)) > 0)
                    {
                        read += n;
                    }
                }

                latency.RecordSince(start);
                Interlocked.Add(ref bytes, read);
                Interlocked.Increment(ref done);
                if (!response.IsSuccessStatusCode || read != size)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, $"HTTP {(int)response.StatusCode}, {read} of {size} bytes", null);
                }
            }));
        var elapsed = Stopwatch.GetElapsedTime(started);

        report.Results[$"{label} download MiB/s"] = MebibytesPerSecond(bytes, elapsed);
        report.Results[$"{label} downloads/s"] = Math.Round(settings.Downloads / elapsed.TotalSeconds, 1);
        if (server is not null)
        {
            report.Results[$"{label} server CPU ms per download"] = Math.Round((server.CpuSeconds() - serverCpu) * 1000 / settings.Downloads, 3);
        }

        if (proxy is not null)
        {
            report.Results[$"{label} proxy CPU ms per download"] = Math.Round((proxy.CpuSeconds() - proxyCpu) * 1000 / settings.Downloads, 3);
        }
        report.AddLatency($"{label} download", latency.Summarize());
        report.AddLatency($"{label} download first byte", firstByte.Summarize());
        report.Results[$"{label} failed downloads"] = failed;
        if (failed > 0)
        {
            report.Incomplete = true;
            report.Results[$"{label} first failed download"] = firstFailure ?? "";
        }
    }

    private static Uri WithTrailingSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}
