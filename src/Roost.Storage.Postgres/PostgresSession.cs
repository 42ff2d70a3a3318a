using Npgsql;

namespace Roost.Storage.Postgres;

/// <summary>Somewhere to run SQL: the writer's batch transaction or a reader's snapshot. Queries are written once against this.</summary>
internal class PostgresSession(NpgsqlConnection connection, NpgsqlTransaction? transaction)
{
    /// <summary>A command for <paramref name="sql"/> in this session's transaction. Npgsql prepares repeated statements itself (auto-prepare).</summary>
    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync();
    }
}
