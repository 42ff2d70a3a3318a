namespace Roost.Storage.Sqlite;

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that make sense in WAL mode.</summary>
public enum SqliteSynchronous
{
    /// <summary>Survives a process crash (SIGKILL) but may lose the last commits on power loss.</summary>
    Normal,

    /// <summary>Every commit is fsynced before it is acknowledged: survives power loss too.</summary>
    Full,
}
