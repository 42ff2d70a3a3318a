using Roost.Client;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

/// <summary>The server binary as an operator runs it.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task Sigterm_stops_the_server_gracefully_with_exit_code_0_and_closes_the_store()
    {
        using var data = new TempDirectory();
        await using var server = ServerProcess.Start(data.Path);
        using (var client = new RoostClient(await server.ListeningAsync()))
        {
            Assert.True(await client.IsReadyAsync().DefaultTimeout());
            await client.RegisterAsync("graceful", UserHelpers.Password).DefaultTimeout();
        }

        server.Terminate();

        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Contains("Closed SQLite store", server.Output, StringComparison.Ordinal);

        await using var again = ServerProcess.Start(data.Path);
        using var after = new RoostClient(await again.ListeningAsync());
        await after.LoginAsync("graceful", UserHelpers.Password).DefaultTimeout();
    }

    [Fact]
    public async Task A_bad_setting_stops_the_start_with_exit_code_2_and_names_the_setting()
    {
        using var data = new TempDirectory();
        await using var server = ServerProcess.Start(data.Path, "--Roost:Storage:Synchronous=sometimes");

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains("Roost:Storage:Synchronous must be one of Normal, Full; got 'sometimes'", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registered_accounts_survive_sigkill()
    {
        using var data = new TempDirectory();
        await using (var server = ServerProcess.Start(data.Path))
        {
            using var client = new RoostClient(await server.ListeningAsync());
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.RegisterAsync($"durable_{i}", UserHelpers.Password))).DefaultTimeout();
            server.Crash();
            await server.WaitForExitAsync();
        }

        await using var restarted = ServerProcess.Start(data.Path);
        using var after = new RoostClient(await restarted.ListeningAsync());
        for (var i = 0; i < 20; i++)
        {
            await after.LoginAsync($"durable_{i}", UserHelpers.Password).DefaultTimeout();
        }
    }
}
