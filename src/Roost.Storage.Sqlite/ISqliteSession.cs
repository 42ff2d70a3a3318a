using Microsoft.Data.Sqlite;

namespace Roost.Storage.Sqlite;

/// <summary>Somewhere to run SQL: the writer's batch transaction or a reader's snapshot. Queries are written once against this.</summary>
internal interface ISqliteSession
{
    /// <summary>A command for <paramref name="sql"/> with no parameters set, valid until the session ends.</summary>
    SqliteCommand Command(string sql);
}

/// <summary>A read snapshot on a pooled connection: everything read through it sees one committed state.</summary>
internal sealed class SqliteReadSession : ISqliteSession, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteReadSession(SqliteConnection connection)
    {
        _connection = connection;
        _transaction = connection.BeginTransaction(deferred: true);
    }

    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _transaction.Dispose();
    }
}
