using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Roost.Core.Accounts;
using Roost.Core.Admin;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Identity;
using Roost.Core.Messaging;
using Roost.Core.Moderation;
using Roost.Core.Presence;
using Roost.Core.RateLimiting;
using Roost.Core.Sessions;
using Roost.Core.Storage;

namespace Roost.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, one batching writer connection, and pooled reader
/// connections that never wait for the writer.
/// </summary>
public sealed partial class SqliteStore : IRoostStore
{
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ICommittedEventListener? _listener;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private SqliteConnection? _writeConnection;
    private const int MaxIdleReaders = 16;
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteReadSession> _readers = [];
    private SqliteWriter? _writer;
    private SqliteCheckpointer? _checkpointer;
    private int _disposed;
    private static readonly TimeSpan SpaceProbeInterval = TimeSpan.FromSeconds(5);
    private const long MinFreeBytesToRecover = 1024 * 1024;
    private long _lastSpaceProbeTicks;

    public SqliteStore(SqliteStoreOptions options, TimeProvider time, ILogger<SqliteStore> logger, ICommittedEventListener? listener = null, Core.Push.IConnectedDevices? connectedDevices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _listener = listener;
        ConnectedDevices = connectedDevices;
        _options = options;
        _time = time;
        _logger = logger;
        var path = options.DatabasePath;
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false, // Roost pools reader sessions itself, with their prepared statements.
            DefaultTimeout = 30,
        }.ToString();
        Accounts = new SqliteAccountStore(this);
        Devices = new SqliteDeviceStore(this);
        Conversations = new SqliteConversationStore(this);
        Messages = new SqliteMessageStore(this);
        Events = new SqliteEventStore(this);
        Presence = new SqlitePresenceStore(this);
        Identity = new SqliteIdentityStore(this);
        Admin = new SqliteAdminStore(this, options);
        Reports = new SqliteReportStore(this);
        Counters = new SqliteAttemptCounterStore(this);
        Nodes = new SqliteNodeStore(this);
        Push = new SqlitePushStore(this);
        Media = new SqliteMediaStore(this);
    }

    /// <summary>The engine's name in /readyz.</summary>
    public const string Engine = "sqlite";

    public IAccountStore Accounts { get; }

    public IDeviceStore Devices { get; }

    public IConversationStore Conversations { get; }

    public IMessageStore Messages { get; }

    public IEventStore Events { get; }

    public IPresenceStore Presence { get; }

    public IIdentityStore Identity { get; }

    public IAdminStore Admin { get; }

    public IReportStore Reports { get; }

    public IAttemptCounterStore Counters { get; }

    public Core.Cluster.INodeStore Nodes { get; }


    public Core.Push.IPushStore Push { get; }

    public Core.Media.IMediaStore Media { get; }

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return Task.CompletedTask;
        }

        var path = _options.DatabasePath;
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(path)!, _options.AllowSharedDataDirectory);

        // SQLite would create the file 0644 (less the umask); it gives the WAL and shared-memory files the mode of the database.
        PrivateFiles.CreateIfMissing(path);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            PrivateFiles.CheckFile(file, _options.AllowSharedDataDirectory);
        }
        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            connection.Open();
            Pragma(connection, "PRAGMA journal_mode = WAL");
            Pragma(connection, $"PRAGMA synchronous = {(_options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}");
            Pragma(connection, "PRAGMA busy_timeout = 30000");

            // The writer's working set (tails of the message, event and recipient trees, their indexes) stays in
            // SQLite's own cache instead of being re-read from the OS page cache on every batch; reads go through
            // mmap instead of pread; and the writer never checkpoints: SqliteCheckpointer does, beside it.
            Pragma(connection, $"PRAGMA cache_size = {-_options.WriterCacheMiB * 1024}");
            Pragma(connection, "PRAGMA mmap_size = 268435456");
            Pragma(connection, "PRAGMA wal_autocheckpoint = 0");

            // When the WAL starts over, the first commit trims the file to this (it may have grown under load).
            Pragma(connection, $"PRAGMA journal_size_limit = {_options.WalBytesAfterRestart}");
            var applied = SqliteMigrations.Apply(connection, _time.GetUtcNow());
            Log.Opened(_logger, _options.DatabasePath, SqliteMigrations.LatestVersion, applied);
            _checkpointer = new SqliteCheckpointer(_writeConnectionString, _options.MaxWalBytes, _time, _logger);
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw new StoreSchemaException($"The database {_options.DatabasePath} cannot be opened: {exception.Message}", exception);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _writeConnection = connection;
        _writer = new SqliteWriter(connection, _options, _listener, _checkpointer, _logger);
        return Task.CompletedTask;
    }

    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var expected = SqliteMigrations.LatestVersion;
        if (_writer is null || Volatile.Read(ref _disposed) != 0)
        {
            return new StoreHealth(false, Engine, 0, expected, "The store is not open.");
        }

        if (_writer.IsStorageFull && !await ProbeForSpaceAsync(cancellationToken))
        {
            return new StoreHealth(false, Engine, expected, expected, "storage_full: the last write failed for lack of space in the data folder.");
        }

        try
        {
            var version = await ReadSnapshotAsync(session => (int)(long)session.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").ExecuteScalar()!, cancellationToken);
            return version == expected
                ? new StoreHealth(true, Engine, version, expected, null)
                : new StoreHealth(false, Engine, version, expected, $"Schema version {version}, expected {expected}.");
        }
        catch (SqliteException exception)
        {
            // /readyz is anonymous: it says what is wrong, the log says the details.
            Log.HealthQueryFailed(_logger, exception);
            return new StoreHealth(false, Engine, 0, expected, "store_unavailable: the store did not answer a query (see the server log).");
        }
    }

    /// <summary>
    /// While the store is full, a readiness check tries one tiny real write (at most every few seconds): a node that
    /// a load balancer took out of service gets no writes of its own, and must notice by itself that space is back.
    /// </summary>
    private async Task<bool> ProbeForSpaceAsync(CancellationToken cancellationToken)
    {
        // A small write can fit in space a failed large one left allocated in the WAL: only probe once the file
        // system has room for real work again, or readiness would flap between a lucky probe and the next failure.
        // One probe at a time: concurrent readiness checks (several probes, a load balancer) claim the slot by exchange.
        var now = _time.GetUtcNow().UtcTicks;
        var last = Volatile.Read(ref _lastSpaceProbeTicks);
        if (now - last < SpaceProbeInterval.Ticks || FreeBytes() < MinFreeBytesToRecover
            || Interlocked.CompareExchange(ref _lastSpaceProbeTicks, now, last) != last)
        {
            return false;
        }

        try
        {
            // Rewriting a row with its own value still writes its page, so the commit needs space like any other.
            await WriteAsync(context =>
            {
                context.Execute("UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)");
                return true;
            }, cancellationToken);
            return !_writer!.IsStorageFull;
        }
        catch (StorageFullException)
        {
            return false;
        }
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(_options.DatabasePath)!).AvailableFreeSpace;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue; // Unknown: let the probe write decide.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }

            if (_checkpointer is not null)
            {
                await _checkpointer.DisposeAsync();
            }

            if (_writeConnection is not null)
            {
                Checkpoint(_writeConnection);
            }
        }
        finally
        {
            if (_writeConnection is not null)
            {
                SqliteConnection.ClearPool(_writeConnection);
                await _writeConnection.DisposeAsync();
            }

            while (_readers.TryTake(out var reader))
            {
                reader.Dispose();
            }

            Log.Closed(_logger, _options.DatabasePath);
        }
    }

    /// <summary>Folds the WAL into the main file, so a stopped server leaves one self-contained file when no reader holds it.</summary>
    private void Checkpoint(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            if (reader.Read() && reader.GetInt64(0) != 0)
            {
                Log.CheckpointIncomplete(_logger, _options.DatabasePath);
            }
        }
        catch (SqliteException exception)
        {
            Log.CheckpointFailed(_logger, exception, _options.DatabasePath);
        }
    }

    /// <summary>The background checkpointer, once initialized (tests drive it directly).</summary>
    internal SqliteCheckpointer? Checkpointer => _checkpointer;

    /// <summary>This node's connected devices (no push is queued for them), or none known.</summary>
    internal Core.Push.IConnectedDevices? ConnectedDevices { get; }

    internal Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> work, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The store has not been initialized.");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return writer.WriteAsync(work, cancellationToken);
    }

    /// <summary>
    /// Runs reads in one snapshot on a pooled reader session. SQLite reads are short and synchronous; WAL lets them run
    /// beside the writer. Sessions keep their prepared statements (SQLite would otherwise parse each query again), and at
    /// most <see cref="MaxIdleReaders"/> stay open.
    /// </summary>
    internal Task<T> ReadSnapshotAsync<T>(Func<ISqliteSession, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = _readers.TryTake(out var idle) ? idle : new SqliteReadSession(_readConnectionString);
        var reusable = false;
        try
        {
            session.Begin();
            var result = read(session);
            reusable = true;
            return Task.FromResult(result);
        }
        finally
        {
            session.End();
            if (reusable && _readers.Count < MaxIdleReaders && Volatile.Read(ref _disposed) == 0)
            {
                _readers.Add(session);
            }
            else
            {
                session.Dispose();
            }
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Opened SQLite store {Path} at schema version {Version} ({Applied} migrations applied now)")]
        public static partial void Opened(ILogger logger, string path, int version, int applied);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Closed SQLite store {Path}")]
        public static partial void Closed(ILogger logger, string path);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The WAL of {Path} could not be fully checkpointed (a reader was busy); it is replayed at the next start")]
        public static partial void CheckpointIncomplete(ILogger logger, string path);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "The store did not answer the readiness query")]
        public static partial void HealthQueryFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Checkpointing the WAL of {Path} failed; it is replayed at the next start")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception, string path);
    }
}
