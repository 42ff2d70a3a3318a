namespace Roost.Storage.Sqlite;

/// <summary>Settings of the embedded store. Bound from <c>Roost:Storage</c>.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>Folder of the database files; created when missing.</summary>
    public string DataDirectory { get; init; } = "./data";

    public string FileName { get; init; } = "roost.db";

    /// <summary>
    /// Lets the server start when the data folder or its files are accessible to other users (group-shared backups,
    /// say). Off by default: the folder holds every message and phone number.
    /// </summary>
    public bool AllowSharedDataDirectory { get; init; }

    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>Most write operations committed in one transaction (group commit).</summary>
    public int MaxWriteBatch { get; init; } = 512;

    /// <summary>Write operations waiting for the writer; a sender waits when it is full.</summary>
    public int WriteQueueCapacity { get; init; } = 16_384;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
