using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Roost.Core.Storage;
using Roost.Storage.Postgres;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>What is particular to starting the PostgreSQL engine: migrations with nodes starting together, databases it must refuse, and the one-node lock.</summary>
public sealed class PostgresStartupTests : IAsyncLifetime
{
    private readonly TestPostgres _database = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_apply_each_migration_once()
    {
        var options = new PostgresStoreOptions { ConnectionString = await _database.CreateAsync(), ExclusiveNode = false };
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => store.InitializeAsync(CancellationToken.None))).DefaultTimeout();

            Assert.All(await Task.WhenAll(stores.Select(store => store.CheckHealthAsync(CancellationToken.None))).DefaultTimeout(), health => Assert.True(health.IsHealthy));
            var recorded = await QueryAsync(options.ConnectionString, "SELECT version FROM schema_migrations ORDER BY version");
            Assert.Equal(recorded.Distinct(), recorded);
            Assert.Equal(PostgresMigrations.LatestVersion, (int)recorded[^1]);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_second_node_on_a_database_another_node_serves_is_refused_until_the_first_closes()
    {
        var options = new PostgresStoreOptions { ConnectionString = await _database.CreateAsync() };
        await using (var first = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance))
        {
            await first.InitializeAsync(CancellationToken.None).DefaultTimeout();
            await using var second = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);

            var failure = await Assert.ThrowsAsync<StoreSchemaException>(() => second.InitializeAsync(CancellationToken.None)).DefaultTimeout();
            Assert.Contains("Another Roost node is already serving", failure.Message, StringComparison.Ordinal);
        }

        await using var later = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);
        await later.InitializeAsync(CancellationToken.None).DefaultTimeout();
    }

    [Fact]
    public async Task A_node_that_lost_its_lock_session_takes_it_again_or_reports_the_node_that_took_it()
    {
        var options = new PostgresStoreOptions { ConnectionString = await _database.CreateAsync() };
        await using var first = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);
        await first.InitializeAsync(CancellationToken.None).DefaultTimeout();

        // The lock's session ends (as in a database restart), and a second node starts meanwhile.
        await TerminateNodeLockSessionAsync(options.ConnectionString);
        await using (var second = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance))
        {
            await second.InitializeAsync(CancellationToken.None).DefaultTimeout();

            var health = await first.CheckHealthAsync(CancellationToken.None).DefaultTimeout();
            Assert.False(health.IsHealthy);
            Assert.Contains("another Roost node took this database", health.Problem, StringComparison.Ordinal);
        }

        // Once the other node is gone, the first takes the lock back at its next readiness check.
        Assert.True((await first.CheckHealthAsync(CancellationToken.None).DefaultTimeout()).IsHealthy);
    }

    [Fact]
    public void The_options_never_print_the_connection_string()
    {
        var options = new PostgresStoreOptions { ConnectionString = "Host=db;Password=hunter2" };

        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_migrated_by_another_build_is_refused_with_a_message()
    {
        var options = new PostgresStoreOptions { ConnectionString = await _database.CreateAsync() };
        await using (var first = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance))
        {
            await first.InitializeAsync(CancellationToken.None).DefaultTimeout();
        }

        await QueryAsync(options.ConnectionString, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', now()) RETURNING version");
        await using var second = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);

        var failure = await Assert.ThrowsAsync<StoreSchemaException>(() => second.InitializeAsync(CancellationToken.None)).DefaultTimeout();
        Assert.Contains("9999 'from_the_future'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_fails_the_start_with_a_message_naming_it_without_its_password()
    {
        var options = new PostgresStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Database=nowhere;Username=roost;Password=hunter2;Timeout=2" };
        await using var store = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);

        var failure = await Assert.ThrowsAsync<StoreSchemaException>(() => store.InitializeAsync(CancellationToken.None)).DefaultTimeout();
        Assert.Contains("nowhere on 127.0.0.1:1", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    private static async Task TerminateNodeLockSessionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        Assert.Equal(true, await command.ExecuteScalarAsync().DefaultTimeout());

        // pg_terminate_backend only signals: the lock is free once the backend has exited.
        await using var held = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Convert.ToInt64(await held.ExecuteScalarAsync().DefaultTimeout(), System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The terminated session still holds the node lock after 10 s.");
            await Task.Delay(20);
        }
    }

    private static async Task<List<long>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }
}
