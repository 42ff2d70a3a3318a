using Microsoft.Data.Sqlite;

namespace Roost.Storage.Sqlite;

/// <summary>Somewhere to run SQL: the writer's batch transaction or a reader's snapshot. Queries are written once against this.</summary>
internal interface ISqliteSession
{
    /// <summary>A command for <paramref name="sql"/> with no parameters set, valid until the session ends.</summary>
    SqliteCommand Command(string sql);
}

/// <summary>
/// A reader connection that keeps its prepared commands between uses (SQLite would otherwise parse every query
/// again). Each use is one snapshot: a deferred transaction from <see cref="Begin"/> to <see cref="End"/>.
/// </summary>
internal sealed class SqliteReadSession : ISqliteSession, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PreparedCommands _commands;
    private SqliteTransaction? _transaction;

    public SqliteReadSession(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using var pragmas = _connection.CreateCommand();
        pragmas.CommandText = "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -8192";
        pragmas.ExecuteNonQuery();
        _commands = new PreparedCommands(_connection);
    }

    public void Begin() => _transaction = _connection.BeginTransaction(deferred: true);

    public void End()
    {
        _transaction?.Dispose();
        _transaction = null;
    }

    public SqliteCommand Command(string sql) => _commands.Get(sql, _transaction);

    public void Dispose()
    {
        End();
        _commands.Dispose();
        _connection.Dispose();
    }
}
