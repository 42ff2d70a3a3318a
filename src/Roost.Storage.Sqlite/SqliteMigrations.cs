using System.Globalization;
using Microsoft.Data.Sqlite;
using Roost.Core.Storage;

namespace Roost.Storage.Sqlite;

/// <summary>
/// Numbered SQL scripts embedded in this assembly (<c>Migrations/NNNN_name.sql</c>), applied in ascending order at start-up,
/// each in its own transaction together with its row in <c>schema_migrations</c>.
/// </summary>
internal static class SqliteMigrations
{
    private const string ResourcePrefix = "Roost.Storage.Sqlite.Migrations.";

    public static IReadOnlyList<MigrationScript> All { get; } = MigrationScripts.Load(typeof(SqliteMigrations).Assembly, ResourcePrefix, "SQLite");

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies the pending migrations and returns how many ran.</summary>
    public static int Apply(SqliteConnection connection, DateTimeOffset now)
    {
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """);

        var applied = 0;
        foreach (var migration in All)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes starting on one file apply each script once.
            using var transaction = connection.BeginTransaction(deferred: false);
            ThrowIfForeign(connection, transaction);

            // By number, not by the highest applied: a migration that lands after a higher-numbered one still runs.
            if (IsApplied(connection, transaction, migration.Version))
            {
                continue;
            }

            Execute(connection, transaction, migration.Sql);
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            applied++;
        }

        using (var check = connection.BeginTransaction(deferred: true))
        {
            ThrowIfForeign(connection, check);
        }

        return applied;
    }

    public static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static bool IsApplied(SqliteConnection connection, SqliteTransaction transaction, int version)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM schema_migrations WHERE version = $v";
        command.Parameters.AddWithValue("$v", version);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>
    /// Every recorded migration must be one this build ships, under the same name: a database that ran another
    /// build's script under a number (a newer release, or another branch's 0006) has a schema this build does not know,
    /// and applying "the rest" around it would corrupt it.
    /// </summary>
    private static void ThrowIfForeign(SqliteConnection connection, SqliteTransaction transaction)
    {
        ThrowIfNewer(CurrentVersion(connection, transaction));
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, name FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        var recorded = new List<(int, string)>();
        while (reader.Read())
        {
            recorded.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        MigrationScripts.ThrowIfForeign(recorded, All);
    }

    private static void ThrowIfNewer(int current)
    {
        if (current > LatestVersion)
        {
            throw new StoreSchemaException(
                $"The database schema is at version {current}, but this build of Roost knows versions up to {LatestVersion}. " +
                "It was written by a newer Roost: run that version, or restore a backup made by this one.");
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
