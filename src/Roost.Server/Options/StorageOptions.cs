using Roost.Storage.Postgres;
using Roost.Storage.Sqlite;

namespace Roost.Server.Options;

public enum StorageEngine
{
    /// <summary>The embedded default: one SQLite file in the data folder.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, shared by every node of a cluster.</summary>
    Postgres,
}

/// <summary>Where durable state lives. Bound from <c>Roost:Storage</c>.</summary>
public sealed record StorageOptions
{
    public StorageEngine Engine { get; init; } = StorageEngine.Sqlite;

    /// <summary>
    /// The data folder: the SQLite database (with the sqlite engine) and, with either engine, the server's identity key.
    /// Created when missing, private to the server's user.
    /// </summary>
    public string DataDirectory { get; init; } = "./data";

    public string FileName { get; init; } = "roost.db";

    public bool AllowSharedDataDirectory { get; init; }

    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>Most write operations committed in one transaction (group commit), on either engine.</summary>
    public int MaxWriteBatch { get; init; } = 512;

    /// <summary>Write operations waiting for the writer; a sender waits when it is full.</summary>
    public int WriteQueueCapacity { get; init; } = 16_384;

    /// <summary>
    /// Most memory, in MiB, SQLite's writer keeps as page cache (taken only as pages are used): the pages a send
    /// touches are spread over the whole store, and the operating system's cache may not keep a large file.
    /// </summary>
    public int WriterCacheMiB { get; init; } = SqliteStoreOptions.DefaultWriterCacheMiB;

    public PostgresSettings Postgres { get; init; } = new();

    public SqliteStoreOptions ToSqlite() => new()
    {
        DataDirectory = DataDirectory,
        FileName = FileName,
        AllowSharedDataDirectory = AllowSharedDataDirectory,
        Synchronous = Synchronous,
        MaxWriteBatch = MaxWriteBatch,
        WriteQueueCapacity = WriteQueueCapacity,
        WriterCacheMiB = WriterCacheMiB,
    };

    public PostgresStoreOptions ToPostgres() => new()
    {
        ConnectionString = Postgres.ConnectionString,
        RootCertificate = Postgres.RootCertificate,
        MaxWriteBatch = MaxWriteBatch,
        WriteQueueCapacity = WriteQueueCapacity,
    };
}

/// <summary>The PostgreSQL engine's connection. Bound from <c>Roost:Storage:Postgres</c>.</summary>
public sealed record PostgresSettings
{
    /// <summary>
    /// An Npgsql connection string. It may hold a password: prefer the environment variable
    /// <c>ROOST__STORAGE__POSTGRES__CONNECTIONSTRING</c> or a passfile over appsettings.json.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>A PEM file of the CA that signed the database server's certificate; with it the connection uses <c>sslmode=verify-full</c>.</summary>
    public string? RootCertificate { get; init; }

    // The connection string may hold a password: a record would print it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RootCertificate = ").Append(RootCertificate);
        return true;
    }
}
