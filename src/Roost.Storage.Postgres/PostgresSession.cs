using Npgsql;

namespace Roost.Storage.Postgres;

/// <summary>Somewhere to run SQL: the writer's batch transaction or a reader's snapshot. Queries are written once against this.</summary>
internal class PostgresSession(NpgsqlConnection connection, NpgsqlTransaction? transaction)
{
    /// <summary>A command for <paramref name="sql"/> in this session's transaction. Npgsql prepares repeated statements itself (auto-prepare).</summary>
    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    /// <summary>Several statements in one round trip, with positional parameters (<c>$1</c>, <c>$2</c>, …) each.</summary>
    public NpgsqlBatch Batch(params (string Sql, object?[] Parameters)[] statements)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, parameters) in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }
}
