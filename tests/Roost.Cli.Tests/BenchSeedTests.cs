using System.Text.Json;
using Roost.Cli;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Cli.Tests;

/// <summary><c>roost bench seed</c>, and the online workload on seeded users, against an in-process instance.</summary>
public sealed class BenchSeedTests
{
    private const string AdminToken = "admin-token-for-the-cli-bench-tests";

    [Fact]
    public async Task A_seed_fills_the_server_a_second_run_reuses_it_and_online_existing_finds_every_peer_creating_nothing()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Admin:Token"] = AdminToken });
        using var admin = instance.CreateClient();
        admin.AdminToken = AdminToken;
        using var directory = new TempDirectory();
        var url = instance.BaseAddress.ToString();
        var seedJson = Path.Combine(directory.Path, "seed.json");
        string[] seed = ["bench", "seed", "--url", url, "-n", "9", "-k", "5", "-x", "3", "--prefix", "s1", "-c", "3", "-t", "8"];

        var (first, firstOutput, _) = await RunAsync([.. seed, "-m", "60", "--json", seedJson]);

        Assert.True(first == 0, firstOutput);
        var results = Results(seedJson);
        Assert.Equal(9, results.GetProperty("users registered").GetInt64());
        Assert.Equal(13, results.GetProperty("conversations seeded").GetInt64());
        Assert.Equal(60, results.GetProperty("messages seeded").GetInt64());
        Assert.Equal(0, results.GetProperty("failed sends").GetInt64());
        var stats = await admin.GetAdminStatsAsync().DefaultTimeout();
        Assert.Equal(13, stats.Conversations);
        Assert.Equal(60, stats.Messages);

        var (again, againOutput, _) = await RunAsync(seed);

        Assert.True(again == 0, againOutput);
        Assert.Contains("9 users in", againOutput, StringComparison.Ordinal);
        Assert.Equal(13, (await admin.GetAdminStatsAsync().DefaultTimeout()).Conversations);

        var onlineJson = Path.Combine(directory.Path, "online.json");
        var (online, onlineOutput, _) = await RunAsync("bench", "online", "--url", url, "--existing", "--prefix", "s1", "-n", "5", "-m", "40", "-d", "30s", "--json", onlineJson);

        Assert.True(online == 0, onlineOutput);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(onlineJson));
        var parameters = report.RootElement.GetProperty("parameters");
        Assert.Equal(4, parameters.GetProperty("peers per user").GetInt32());
        Assert.Equal(10, parameters.GetProperty("conversations").GetInt32());
        var onlineResults = report.RootElement.GetProperty("results");
        Assert.Equal(40, onlineResults.GetProperty("acked").GetInt64());
        Assert.Equal(40, onlineResults.GetProperty("delivered").GetInt64());
        Assert.Equal(0, onlineResults.GetProperty("lost").GetInt64());
        Assert.True(onlineResults.TryGetProperty("ack_p99.9_ms", out _));
        Assert.True(onlineResults.TryGetProperty("end-to-end_p99.9_ms", out _));
        var after = await admin.GetAdminStatsAsync().DefaultTimeout();
        Assert.Equal(13, after.Conversations);
        Assert.Equal(9, after.Accounts);
        Assert.Equal(100, after.Messages);
    }

    [Fact]
    public async Task Online_existing_without_a_seed_says_to_seed_first()
    {
        await using var instance = await RoostInstance.StartAsync();

        var (code, output, _) = await RunAsync("bench", "online", "--url", instance.BaseAddress.ToString(), "--existing", "--prefix", "never", "-n", "3", "-d", "5s");

        Assert.Equal(1, code);
        Assert.Contains("seed the users first", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_total_in_flight_window_over_every_pair_loses_and_duplicates_nothing()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var directory = new TempDirectory();
        var json = Path.Combine(directory.Path, "in-flight.json");

        var (code, output, _) = await RunAsync("bench", "online", "--url", instance.BaseAddress.ToString(), "-n", "5", "--peers", "4", "--in-flight", "6", "-m", "120", "-d", "30s", "--json", json);

        Assert.True(code == 0, output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(10, report.RootElement.GetProperty("parameters").GetProperty("conversations").GetInt32());
        Assert.Equal("closed loop, 6 in flight in total", report.RootElement.GetProperty("parameters").GetProperty("pacing").GetString());
        var results = report.RootElement.GetProperty("results");
        Assert.Equal(120, results.GetProperty("acked").GetInt64());
        Assert.Equal(120, results.GetProperty("delivered").GetInt64());
        Assert.Equal(0, results.GetProperty("duplicates").GetInt64());
    }

    [Fact]
    public async Task Bad_pacing_peers_and_seed_options_fail_with_a_message_and_exit_2()
    {
        await using var instance = await RoostInstance.StartAsync();
        var url = instance.BaseAddress.ToString();

        var (both, bothOutput, _) = await RunAsync("bench", "online", "--url", url, "-n", "4", "--in-flight", "8", "--window", "2");
        var (rate, rateOutput, _) = await RunAsync("bench", "online", "--url", url, "-n", "4", "--in-flight", "8", "--rate", "100");
        var (peers, peersOutput, _) = await RunAsync("bench", "online", "--url", url, "-n", "4", "--peers", "4");
        var (seed, seedOutput, _) = await RunAsync("bench", "seed", "--url", url, "-n", "10", "-k", "20");
        var (prefix, prefixOutput, _) = await RunAsync("bench", "online", "--url", url, "-n", "4", "--prefix", "a b");

        Assert.Equal((2, 2, 2, 2, 2), (both, rate, peers, seed, prefix));
        Assert.Contains("--in-flight is a total window", bothOutput, StringComparison.Ordinal);
        Assert.Contains("cannot be combined with --window", rateOutput, StringComparison.Ordinal);
        Assert.Contains("--peers must be at least 1 and less than --users", peersOutput, StringComparison.Ordinal);
        Assert.Contains("--online must be between 0 and --users", seedOutput, StringComparison.Ordinal);
        Assert.Contains("--prefix must be", prefixOutput, StringComparison.Ordinal);
    }

    private static JsonElement Results(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("results").Clone();

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoostCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }
}
