using Microsoft.Data.Sqlite;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Accounts_devices_and_tokens_survive_a_stop_and_start()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (client, username, login) = await instance.RegisterAndLoginAsync(deviceName: "survivor");
        await client.UpdateProfileAsync("Still Here").DefaultTimeout();
        var token = client.AccessToken;
        client.Dispose();

        await instance.RestartAsync();

        using var after = instance.CreateClient();
        after.AccessToken = token;
        var account = await after.GetAccountAsync().DefaultTimeout();
        var device = Assert.Single(await after.GetDevicesAsync().DefaultTimeout());
        Assert.Equal((username, "Still Here"), (account.Username, account.DisplayName));
        Assert.Equal((login.DeviceId!.Value, "survivor"), (device.Id, device.Name));
        await instance.LoginAsync(username).DefaultTimeout();
    }

    [Fact]
    public async Task Migrations_run_once_across_restarts()
    {
        await using var instance = await RoostInstance.StartAsync(RoostInstance.SqliteOnly);
        await instance.RestartAsync();
        await instance.RestartAsync();
        using var client = instance.CreateClient();
        Assert.True(await client.IsReadyAsync().DefaultTimeout());

        await using (var peek = new SqliteConnection($"Data Source={Path.Combine(instance.DataDirectory, "roost.db")};Mode=ReadOnly;Pooling=False"))
        {
            await peek.OpenAsync().DefaultTimeout();
            await using var command = peek.CreateCommand();
            command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
            Assert.True(await reader.ReadAsync().DefaultTimeout());
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));

            // One row per shipped script; numbers may have gaps, so the count is not the highest number.
            Assert.Equal(typeof(Roost.Storage.Sqlite.SqliteStore).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal)), reader.GetInt64(0));
        }
    }
}
