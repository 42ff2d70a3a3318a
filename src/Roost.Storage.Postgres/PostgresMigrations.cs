using System.Globalization;
using Npgsql;
using Roost.Core.Storage;

namespace Roost.Storage.Postgres;

/// <summary>
/// Numbered SQL scripts embedded in this assembly (<c>Migrations/NNNN_name.sql</c>, numbered apart from SQLite's),
/// applied in ascending order at start-up, each in its own transaction with its row in <c>schema_migrations</c>.
/// Nodes starting together serialize on a session advisory lock, so each script runs once.
/// </summary>
internal static class PostgresMigrations
{
    private const string ResourcePrefix = "Roost.Storage.Postgres.Migrations.";

    /// <summary>The advisory lock key of schema changes ('roost' 'mig').</summary>
    private const long MigrationLock = 0x726f6f7374_6d6967;

    public static IReadOnlyList<MigrationScript> All { get; } = MigrationScripts.Load(typeof(PostgresMigrations).Assembly, ResourcePrefix, "PostgreSQL");

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies the pending migrations and returns how many ran.</summary>
    public static async Task<int> ApplyAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Execute(connection, null, "SELECT pg_advisory_lock(@key)", ("key", MigrationLock), cancellationToken);
        try
        {
            await Execute(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL
                )
                """, null, cancellationToken);
            var recorded = await RecordedAsync(connection, cancellationToken);
            MigrationScripts.ThrowIfForeign(recorded.Select(r => (r.Key, r.Value)), All);

            var applied = 0;
            foreach (var migration in All.Where(m => !recorded.ContainsKey(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, transaction, migration.Sql, null, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", connection, transaction))
                {
                    record.Parameters.AddWithValue("v", migration.Version);
                    record.Parameters.AddWithValue("n", migration.Name);
                    record.Parameters.AddWithValue("t", now);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                applied++;
            }

            return applied;
        }
        finally
        {
            await Execute(connection, null, "SELECT pg_advisory_unlock(@key)", ("key", MigrationLock), CancellationToken.None);
        }
    }

    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<int, string>> RecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, name FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var recorded = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded[reader.GetInt32(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, (string Name, object Value)? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (parameter is { } p)
        {
            command.Parameters.AddWithValue(p.Name, p.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
