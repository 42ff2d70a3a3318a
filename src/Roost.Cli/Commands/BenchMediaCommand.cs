using System.CommandLine;
using Roost.Cli.Bench;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost bench media</c>: tus upload throughput, time to ready, download throughput, server memory per upload.</summary>
internal static class BenchMediaCommand
{
    public static Command Create(IAnsiConsole console, CliTerminal terminal)
    {
        var url = CommonOptions.Url();
        var downloadUrl = new Option<Uri?>("--download-url")
        {
            Description = "Where downloads go, for example a proxy in front of the server (default: --url).",
            CustomParser = CommonOptions.ParseHttpUrl,
        };
        var sizes = new Option<long[]>("--size", "-s")
        {
            Description = "File sizes, separated by commas: 256KiB, 1MiB, 100MiB (K, M and G are binary). Default 1MiB,100MiB.",
            DefaultValueFactory = _ => [1L << 20, 100L << 20],
            CustomParser = result =>
            {
                try
                {
                    return [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(MediaSettings.ParseSize)];
                }
                catch (FormatException exception)
                {
                    result.AddError(exception.Message);
                    return null;
                }
            },
        };
        var count = new Option<int>("--count", "-n") { Description = "Uploads of each size.", DefaultValueFactory = _ => 8 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Uploads at once (one user each).", DefaultValueFactory = _ => 1 };
        var chunk = new Option<int>("--chunk-size")
        {
            Description = "Bytes per tus PATCH (the client's default 8MiB).",
            DefaultValueFactory = _ => 8 << 20,
            CustomParser = result =>
            {
                try
                {
                    var size = MediaSettings.ParseSize(result.Tokens.Single().Value);
                    if (size <= int.MaxValue)
                    {
                        return (int)size;
                    }

                    result.AddError("--chunk-size is at most 256MiB.");
                }
                catch (FormatException exception)
                {
                    result.AddError(exception.Message);
                }

                return 0;
            },
        };
        var downloads = new Option<int>("--downloads", "-m") { Description = "Downloads of one ready file of each size (0: none).", DefaultValueFactory = _ => 32 };
        var downloadConcurrency = new Option<int>("--download-concurrency", "-C") { Description = "Downloads at once.", DefaultValueFactory = _ => 1 };
        var prefix = new Option<string?>("--prefix") { Description = "Usernames are {prefix}_{i} (default: a fresh random prefix)." };
        var timeout = CommonOptions.Duration("--timeout", "The whole run is bounded by this (at most 24h).", TimeSpan.FromMinutes(30));
        var pid = new Option<int?>("--server-pid", "-p") { Description = "The server's process id: its memory (VmRSS, VmHWM from /proc) before and during the uploads, and its CPU per download." };
        var proxyPid = CommonOptions.Pids("--proxy-pid", "-P", "A proxy's process ids (nginx's workers), separated by commas, for its CPU per download.");
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var progress = BenchCommand.ProgressOption();
        var command = new Command("media", "Upload files through tus (time to the last byte's acknowledgement, and to ready), then download one of them: MiB/s and latency.")
        {
            url, downloadUrl, sizes, count, concurrency, chunk, downloads, downloadConcurrency, prefix, timeout, pid, proxyPid, json, progress,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = Settings(result, url, downloadUrl, sizes, count, concurrency, chunk, downloads, downloadConcurrency, prefix, timeout, pid) with
            {
                Progress = BenchCommand.Progress(result.GetValue(progress), terminal),
                ProxyPids = result.GetValue(proxyPid)!,
            };
            if (settings.Validate() is { } problem)
            {
                console.MarkupLineInterpolated($"[red]{problem}[/]");
                return 2;
            }

            return await BenchCommand.RunAsync(console, result.GetValue(json), () => MediaWorkload.RunAsync(settings, console, cancellationToken));
        });
        return command;
    }

    private static MediaSettings Settings(
        ParseResult result, Option<Uri> url, Option<Uri?> downloadUrl, Option<long[]> sizes, Option<int> count, Option<int> concurrency, Option<int> chunk,
        Option<int> downloads, Option<int> downloadConcurrency, Option<string?> prefix, Option<TimeSpan> timeout, Option<int?> pid) => new()
        {
            Url = result.GetValue(url)!,
            DownloadUrl = result.GetValue(downloadUrl) ?? result.GetValue(url)!,
            Sizes = result.GetValue(sizes)!,
            Count = result.GetValue(count),
            Concurrency = result.GetValue(concurrency),
            ChunkSize = result.GetValue(chunk),
            Downloads = result.GetValue(downloads),
            DownloadConcurrency = result.GetValue(downloadConcurrency),
            Prefix = result.GetValue(prefix),
            Timeout = result.GetValue(timeout),
            ServerPid = result.GetValue(pid),
        };
}
