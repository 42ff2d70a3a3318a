using System.Text;
using System.Text.Json;
using Roost.Cli;
using Roost.Cli.Bench;
using Roost.Core.Media;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Cli.Tests;

/// <summary><c>roost bench media</c>: its sizes, options, content and figures, and a run against an in-process instance.</summary>
public sealed class BenchMediaTests
{
    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("256KiB", 262_144)]
    [InlineData("256KB", 262_144)]
    [InlineData("256k", 262_144)]
    [InlineData("1MiB", 1_048_576)]
    [InlineData("100MB", 104_857_600)]
    [InlineData("1.5M", 1_572_864)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData(" 12 B ", 12)]
    public void Sizes_are_read_as_people_write_them_binary_units(string text, long bytes) =>
        Assert.Equal(bytes, MediaSettings.ParseSize(text));

    [Theory]
    [InlineData("")]
    [InlineData("big")]
    [InlineData("0")]
    [InlineData("-1MiB")]
    [InlineData("1.5B")]
    [InlineData("1e400")]
    public void Bad_sizes_are_refused(string text) => Assert.Throws<FormatException>(() => MediaSettings.ParseSize(text));

    [Theory]
    [InlineData(262_144, "256KiB")]
    [InlineData(1_048_576, "1MiB")]
    [InlineData(104_857_600, "100MiB")]
    [InlineData(1_572_864, "1.5MiB")]
    [InlineData(1000, "1000B")]
    public void Sizes_are_named_in_the_report_the_way_they_are_given(long bytes, string name) =>
        Assert.Equal(name, MediaSettings.FormatSize(bytes));

    [Fact]
    public void Media_runs_must_be_bounded_and_sensible()
    {
        var good = new MediaSettings { Url = new Uri("http://127.0.0.1:1"), DownloadUrl = new Uri("http://127.0.0.1:2") };

        Assert.Null(good.Validate());
        Assert.Contains("--size takes", (good with { Sizes = [] }).Validate(), StringComparison.Ordinal);
        Assert.Contains("512MiB", (good with { Sizes = [1L << 30] }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--count", (good with { Count = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--concurrency", (good with { Concurrency = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("4,096 bytes", (good with { ChunkSize = 1024 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("at most 2,000 requests", (good with { ChunkSize = 4096 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--downloads", (good with { Downloads = -1 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--download-concurrency", (good with { DownloadConcurrency = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--timeout", (good with { Timeout = TimeSpan.Zero }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--prefix", (good with { Prefix = "a b" }).Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_are_mebibytes_per_second_and_memory_is_the_peak_over_the_start_shared_out()
    {
        Assert.Equal(50, MediaWorkload.MebibytesPerSecond(100L << 20, TimeSpan.FromSeconds(2)));
        Assert.Equal(0, MediaWorkload.MebibytesPerSecond(100, TimeSpan.Zero));
        Assert.Equal(1024, MediaWorkload.KibibytesPerUpload(100L << 20, 108L << 20, 8));
        Assert.Equal(0, MediaWorkload.KibibytesPerUpload(100L << 20, 90L << 20, 8)); // memory that fell is no cost
    }

    [Fact]
    public void The_made_up_document_sniffs_as_a_pdf_differs_per_seed_and_reads_the_same_from_any_offset()
    {
        const long length = 300_000;
        using var first = new SyntheticDocument(length, "a 1");
        using var second = new SyntheticDocument(length, "a 2");
        var all = new byte[length];
        first.ReadExactly(all);
        var other = new byte[length];
        second.ReadExactly(other);

        Assert.Equal(MediaTypes.Pdf.ContentType, MediaSniffer.Sniff(all)?.ContentType);
        Assert.StartsWith("%PDF-1.7\n% roost bench a 1\n", Encoding.ASCII.GetString(all, 0, 40), StringComparison.Ordinal);
        Assert.False(all.AsSpan().SequenceEqual(other));
        Assert.Equal(0, first.Read(new byte[10]));

        first.Position = 70_000; // across a block boundary, as a resumed upload seeks
        var part = new byte[100_000];
        first.ReadExactly(part);
        Assert.True(all.AsSpan(70_000, 100_000).SequenceEqual(part));
        first.Seek(-5, SeekOrigin.End);
        Assert.Equal(5, first.Read(new byte[64]));
    }

    [Fact]
    public async Task A_run_uploads_in_chunks_waits_for_ready_downloads_every_byte_and_reads_the_servers_memory()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var directory = new TempDirectory();
        var json = Path.Combine(directory.Path, "media.json");
        var url = instance.BaseAddress.ToString();

        // The instance runs in this process, so this process's pid is the server's.
        var (code, output, _) = await RunAsync(
            "bench", "media", "--url", url, "--download-url", url, "--size", "5KiB,40KiB", "-n", "3", "-c", "2", "--chunk-size", "16KiB",
            "-m", "5", "-C", "2", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", json);

        Assert.True(code == 0, output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal("5KiB, 40KiB", report.RootElement.GetProperty("parameters").GetProperty("sizes").GetString());
        var results = report.RootElement.GetProperty("results");
        foreach (var size in new[] { "5KiB", "40KiB" })
        {
            Assert.Equal(3, results.GetProperty($"{size} uploads").GetInt32());
            Assert.True(results.GetProperty($"{size} uploads/s").GetDouble() > 0);
            Assert.True(results.TryGetProperty($"{size} upload MiB/s", out _)); // tiny files: may round to 0
            Assert.True(results.TryGetProperty($"{size} upload_p99_ms", out _));
            Assert.True(results.TryGetProperty($"{size} last byte to ready_p50_ms", out _));
            Assert.True(results.GetProperty($"{size} all ready after s").GetDouble() > 0);
            Assert.True(results.TryGetProperty($"{size} server CPU ms per download", out _));
            Assert.True(results.GetProperty($"{size} downloads/s").GetDouble() > 0);
            Assert.Equal(0, results.GetProperty($"{size} failed downloads").GetInt64());
            Assert.True(results.GetProperty($"{size} server rss peak during uploads MiB").GetDouble() > 0);
            Assert.True(results.TryGetProperty($"{size} server memory per concurrent upload KiB", out _));
        }

        Assert.True(results.GetProperty("server peak rss (VmHWM) MiB").GetDouble() > 0);
    }

    [Fact]
    public async Task Bad_media_options_fail_with_a_message_and_exit_2()
    {
        var (size, _, sizeError) = await RunAsync("bench", "media", "--size", "lots");
        var (chunk, chunkOutput, _) = await RunAsync("bench", "media", "--url", "http://127.0.0.1:1", "--chunk-size", "1KiB");
        var (url, _, urlError) = await RunAsync("bench", "media", "--download-url", "ftp://nowhere");

        Assert.NotEqual(0, size);
        Assert.Contains("is not a size", sizeError, StringComparison.Ordinal);
        Assert.Equal(2, chunk);
        Assert.Contains("--chunk-size must be between 4KiB", chunkOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, url);
        Assert.Contains("not an http:// or https:// URL", urlError, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoostCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }
}
