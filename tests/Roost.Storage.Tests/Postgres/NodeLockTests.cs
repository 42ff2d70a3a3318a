using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Roost.Storage.Postgres;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>One node per database until the event bus: the node lock, and what happens when its session is lost.</summary>
public sealed class NodeLockTests : IAsyncLifetime
{
    private readonly TestPostgres _database = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _database.DisposeAsync();

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

    private static async Task TerminateNodeLockSessionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        Assert.Equal(true, await command.ExecuteScalarAsync().DefaultTimeout());
    }
}
