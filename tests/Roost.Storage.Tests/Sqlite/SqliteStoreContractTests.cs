using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Storage;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The store contract on the embedded SQLite engine, plus what is particular to it: files, WAL, migrations.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDirectory _directory = new();

    private SqliteStoreOptions Options => new() { DataDirectory = _directory.Path, MaxWriteBatch = 64 };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override async Task<IRoostStore> OpenAsync()
    {
        var store = new SqliteStore(Options, new ManualTimeProvider(Now), NullLogger<SqliteStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Migrations_are_recorded_once_however_often_the_store_opens()
    {
        await Store.DisposeAsync();
        Store = await OpenAsync().DefaultTimeout();
        await Store.DisposeAsync();
        Store = await OpenAsync().DefaultTimeout();

        var versions = Query<long>("SELECT version FROM schema_migrations ORDER BY version");
        Assert.Equal(SqliteMigrations.All.Select(m => (long)m.Version), versions);
    }

    [Fact]
    public async Task A_migration_not_yet_recorded_runs_even_when_a_higher_numbered_one_already_ran()
    {
        // As when a feature's migration lands after a higher-numbered one: undo 0004 by hand, keep everything above it.
        await Store.DisposeAsync();
        Execute("ALTER TABLE accounts DROP COLUMN disabled_at");
        Execute("DELETE FROM schema_migrations WHERE version = 4");

        Store = await OpenAsync().DefaultTimeout();

        Assert.Equal(SqliteMigrations.All.Select(m => (long)m.Version), Query<long>("SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Equal([1L], Query<long>("SELECT COUNT(*) FROM pragma_table_info('accounts') WHERE name = 'disabled_at'"));
    }

    [Fact]
    public async Task A_database_written_by_a_newer_build_is_refused_with_a_clear_message()
    {
        await Store.DisposeAsync();
        Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)");

        var failure = await Assert.ThrowsAsync<StoreSchemaException>(OpenAsync).DefaultTimeout();

        Assert.Contains("9999", failure.Message, StringComparison.Ordinal);
        Assert.Contains("newer Roost", failure.Message, StringComparison.Ordinal);
        Execute("DELETE FROM schema_migrations WHERE version = 9999");
        Store = await OpenAsync().DefaultTimeout();
    }

    [Fact]
    public async Task A_database_that_ran_another_builds_script_under_a_shipped_number_is_refused()
    {
        await Store.DisposeAsync();
        var shipped = SqliteMigrations.All[^1];
        Execute($"UPDATE schema_migrations SET name = 'another_branch' WHERE version = {shipped.Version}");

        var failure = await Assert.ThrowsAsync<StoreSchemaException>(OpenAsync).DefaultTimeout();

        Assert.Contains("another_branch", failure.Message, StringComparison.Ordinal);
        Assert.Contains(shipped.Name, failure.Message, StringComparison.Ordinal);
        Execute($"UPDATE schema_migrations SET name = '{shipped.Name}' WHERE version = {shipped.Version}");
        Store = await OpenAsync().DefaultTimeout();
    }

    [Fact]
    public async Task A_database_with_a_migration_this_build_does_not_ship_below_its_newest_is_refused()
    {
        await Store.DisposeAsync();
        Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (-1, 'unknown_elsewhere', 0)");

        var failure = await Assert.ThrowsAsync<StoreSchemaException>(OpenAsync).DefaultTimeout();

        Assert.Contains("unknown_elsewhere", failure.Message, StringComparison.Ordinal);
        Execute("DELETE FROM schema_migrations WHERE version = -1");
        Store = await OpenAsync().DefaultTimeout();
    }

    [Fact]
    public async Task The_database_runs_in_wal_mode_with_foreign_keys_enforced_by_the_writer()
    {
        Assert.Equal(["wal"], Query<string>("PRAGMA journal_mode"));
        var sqlite = (SqliteStore)Store;
        var orphan = sqlite.WriteAsync(context =>
        {
            var insert = context.Command("INSERT INTO devices (account_id, token_hash, name, platform, verified_by, created_at, last_seen_at) VALUES (424242, x'00', 'n', 'p', 'v', 0, 0)");
            return insert.ExecuteNonQuery();
        }, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<SqliteException>(() => orphan).DefaultTimeout();
        Assert.Contains("FOREIGN KEY", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_is_closed_answers_unhealthy_instead_of_throwing()
    {
        await Store.DisposeAsync();

        var health = await Store.CheckHealthAsync(CancellationToken.None).DefaultTimeout();

        Assert.False(health.IsHealthy);
        Store = await OpenAsync().DefaultTimeout();
    }

    private List<T> Query<T>(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "roost.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "roost.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
