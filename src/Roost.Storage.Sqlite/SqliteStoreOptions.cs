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

    public const int DefaultWriterCacheMiB = 256;

    /// <summary>Most page cache of the writer's connection, in MiB; SQLite takes it only as pages are used.</summary>
    public int WriterCacheMiB { get; init; } = DefaultWriterCacheMiB;

    /// <summary>
    /// A WAL larger than this is started over, even under load that never pauses (SqliteCheckpointer.TakeRestartRequest).
    /// Each restart holds the writer for one short copy, so it is rare: at 1,000 messages a second, about every half minute.
    /// </summary>
    public long MaxWalBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>After the WAL started over, the writer's first commit trims the file to this.</summary>
    public long WalBytesAfterRestart { get; init; } = 64L * 1024 * 1024;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
