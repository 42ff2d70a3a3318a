using System.Diagnostics;
using System.Net;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Cluster;

/// <summary>These stop the test run's PostgreSQL and RabbitMQ: they run alone, after every other test.</summary>
[CollectionDefinition(nameof(ClusterFaultsRunAlone), DisableParallelization = true)]
public sealed class ClusterFaultsRunAlone;

/// <summary>
/// Three node processes on one PostgreSQL and one RabbitMQ, six users spread over them (each pair of a direct chat on
/// two nodes, all six in one group), sending without pause while a part of the cluster fails. Every acknowledged
/// message must be stored once, in order, and reach every member once, in order.
/// </summary>
[Collection(nameof(ClusterFaultsRunAlone))]
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private const int Users = 6;

    [Fact]
    public async Task A_node_killed_mid_load_loses_nothing_acknowledged_its_clients_move_on_and_its_users_go_offline_in_time()
    {
        var (cluster, load) = await StartAsync();
        await using var _cluster = cluster;
        await using var _load = load;

        // The victim is connected to the second node only and does not come back; the watcher follows it from the first.
        var victim = await RegisterAsync(cluster.Addresses[1], "victim");
        using var watcherClient = new RoostClient(cluster.Addresses[0]) { AccessToken = load.Tokens[0] };
        await watcherClient.CreateDirectAsync("victim").DefaultTimeout();
        await using var victimLive = await RoostConnection.ConnectAsync(cluster.Addresses[1], victim.Token).DefaultTimeout();
        await using var watcher = await watcherClient.ConnectLiveAsync();
        await Until(async () => (await watcher.SubscribePresenceAsync([victim.AccountId]).DefaultTimeout()).Single().Status == "online");

        var killedAt = Stopwatch.StartNew();
        await load.RunAsync(before: 300, after: 300, fault: () =>
        {
            cluster[1].Crash();
            killedAt.Restart();
            foreach (var user in load.Users)
            {
                user.Avoid(1);
            }

            return Task.CompletedTask;
        });

        var offline = await watcher.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == victim.AccountId && f.Status == "offline");
        var wentOffline = killedAt.Elapsed;
        output.WriteLine($"The victim showed offline {wentOffline.TotalSeconds:0.0} s after the kill (dead after {NodeProcesses.DeadAfter.TotalSeconds} s, heartbeat {NodeProcesses.HeartbeatInterval.TotalSeconds} s).");
        Assert.NotNull(offline.LastSeenAt);
        Assert.True(wentOffline < NodeProcesses.DeadAfter + (4 * NodeProcesses.HeartbeatInterval), $"offline after {wentOffline}");

        Assert.All(load.Users.Where(u => u.HomeNode == 1), user => Assert.True(user.Reconnects > 0 && user.CurrentNode != 1, $"{user.Name} never left the killed node"));
        await load.VerifyAsync(cluster.Addresses[0], output);
    }

    [Fact]
    public async Task With_rabbitmq_stopped_sends_are_still_acknowledged_and_delivery_resumes_with_the_gap_filled_when_it_returns()
    {
        var (cluster, load) = await StartAsync();
        await using var _cluster = cluster;
        await using var _load = load;
        var control = Control("ROOST_TEST_RABBITMQ_CONTROL");

        await load.RunAsync(before: 200, after: 200, fault: async () =>
        {
            await RunAsync(control, "stop");
            try
            {
                // The store commits without the broker: acknowledgements keep coming.
                var acked = load.AckedCount;
                await Until(() => Task.FromResult(load.AckedCount >= acked + 100));
                output.WriteLine($"{load.AckedCount - acked} sends acknowledged while RabbitMQ was stopped.");
            }
            finally
            {
                await RunAsync(control, "start");
            }
        });

        await load.VerifyAsync(cluster.Addresses[0], output);
    }

    [Fact]
    public async Task With_postgresql_restarted_mid_load_clients_get_clear_errors_and_nothing_acknowledged_is_lost()
    {
        var (cluster, load) = await StartAsync();
        await using var _cluster = cluster;
        await using var _load = load;
        var control = Control("ROOST_TEST_POSTGRES_CONTROL");
        using var http = new HttpClient { BaseAddress = cluster.Addresses[2] };

        await load.RunAsync(before: 200, after: 300, fault: async () =>
        {
            await RunAsync(control, "stop");
            try
            {
                // While it is away a request gets 503 store_unavailable, never a hang or a 500.
                using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/conversations");
                request.Headers.Authorization = new("Bearer", load.Tokens[2]);
                using var refused = await http.SendAsync(request).DefaultTimeout();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Contains("store_unavailable", await refused.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
            }
            finally
            {
                await RunAsync(control, "start");
            }
        });

        output.WriteLine($"Sends tried again after a retryable error: {load.Users.Sum(u => u.RetryableErrors)}; reconnects: {load.Users.Sum(u => u.Reconnects)}.");
        await load.VerifyAsync(cluster.Addresses[0], output);
    }

    private static async Task<(NodeProcesses Cluster, ChatLoad Load)> StartAsync()
    {
        if (!TestEngine.IsPostgres)
        {
            Assert.Skip("Nodes of a cluster share a PostgreSQL database: this runs in the postgres pass.");
        }

        var cluster = await NodeProcesses.StartAsync(3);
        try
        {
            return (cluster, await ChatLoad.StartAsync(cluster.Addresses, Users));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static async Task<(long AccountId, string Token)> RegisterAsync(Uri node, string username)
    {
        using var client = new RoostClient(node);
        await client.RegisterAsync(username, UserHelpers.Password).DefaultTimeout();
        var login = await client.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        return (login.AccountId, login.Token!);
    }

    private static string Control(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"{variable} is not set: run the tests with ./test.sh.");

    private static async Task RunAsync(string control, string verb)
    {
        using var process = Process.Start(new ProcessStartInfo(control, verb) { RedirectStandardError = true, UseShellExecute = false })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"{control} {verb} failed: {await errors}");
    }

    /// <summary>Waits (bounded, polling a real condition) until <paramref name="condition"/> holds.</summary>
    private static async Task Until(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
