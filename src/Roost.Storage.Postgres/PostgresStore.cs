using Microsoft.Extensions.Logging;
using Npgsql;
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

namespace Roost.Storage.Postgres;

/// <summary>
/// The cluster store: one PostgreSQL database shared by every node. Reads run on pooled connections, each in one
/// snapshot; writes go through this node's batching <see cref="PostgresWriter"/>.
/// </summary>
public sealed partial class PostgresStore : IRoostStore
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ICommittedEventListener? _listener;
    private readonly PostgresStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private PostgresWriter? _writer;
    private NpgsqlConnection? _nodeLock;
    private readonly SemaphoreSlim _nodeLockGate = new(1, 1);
    private int _disposed;

    /// <summary>The session advisory lock key of "a node serves this database" ('roost' 'node').</summary>
    private const long NodeLockKey = 0x726f6f7374_6e6f64;

    public PostgresStore(PostgresStoreOptions options, TimeProvider time, ILogger<PostgresStore> logger, ICommittedEventListener? listener = null, Core.Push.IConnectedDevices? connectedDevices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _listener = listener;
        ConnectedDevices = connectedDevices;
        _dataSource = PostgresConnections.CreateDataSource(options);
        _description = PostgresConnections.Describe(options);
        Accounts = new PostgresAccountStore(this);
        Devices = new PostgresDeviceStore(this);
        Conversations = new PostgresConversationStore(this);
        Messages = new PostgresMessageStore(this);
        Events = new PostgresEventStore(this);
        Presence = new PostgresPresenceStore(this);
        Identity = new PostgresIdentityStore(this);
        Admin = new PostgresAdminStore(this);
        Reports = new PostgresReportStore(this);
        Counters = new PostgresAttemptCounterStore(this);
        Nodes = new PostgresNodeStore(this);
        Push = new PostgresPushStore(this);
        Media = new PostgresMediaStore(this);
    }

    /// <summary>The engine's name in /readyz.</summary>
    public const string Engine = "postgres";

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

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return;
        }

        try
        {
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
            {
                var applied = await PostgresMigrations.ApplyAsync(connection, _time.GetUtcNow(), cancellationToken);
                Log.Opened(_logger, _description, PostgresMigrations.LatestVersion, applied);
            }

            if (_options.ExclusiveNode)
            {
                await TakeNodeLockAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new StoreSchemaException($"The PostgreSQL database {_description} cannot be used: {exception.Message}", exception);
        }

        _writer = new PostgresWriter(_dataSource, _options, _listener, _logger);
    }

    /// <summary>Holds the node lock on a connection of its own for as long as the store is open (<see cref="PostgresStoreOptions.ExclusiveNode"/>).</summary>
    private async Task TakeNodeLockAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", NodeLockKey);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            await connection.DisposeAsync();
            throw new StoreSchemaException(
                $"Another Roost node is already serving the PostgreSQL database {_description}. One node per database until " +
                "the cross-node event bus lands: a second node would miss live events the first one commits.");
        }

        _nodeLock = connection;
    }

    /// <summary>
    /// Whether this node still holds the node lock, taking it again when its connection was lost (a database restart
    /// ends the session and frees the lock). Checked with every readiness probe.
    /// </summary>
    private async Task<bool> HoldsNodeLockAsync(CancellationToken cancellationToken)
    {
        await _nodeLockGate.WaitAsync(cancellationToken);
        try
        {
            if (_nodeLock is not null)
            {
                try
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", _nodeLock);
                    await ping.ExecuteScalarAsync(cancellationToken);
                    return true;
                }
                catch (Exception exception) when (PostgresFailures.IsUnavailable(exception) || exception is InvalidOperationException)
                {
                    await _nodeLock.DisposeAsync();
                    _nodeLock = null;
                }
            }

            try
            {
                await TakeNodeLockAsync(cancellationToken);
                Log.NodeLockRetaken(_logger, _description);
                return true;
            }
            catch (StoreSchemaException)
            {
                Log.NodeLockLost(_logger, _description);
                return false;
            }
        }
        finally
        {
            _nodeLockGate.Release();
        }
    }

    /// <summary>
    /// Unlocks before closing: a closed connection's backend ends (and frees the lock) only after the close returns, so a
    /// node started right after this one stopped could otherwise still find the database taken.
    /// </summary>
    private static async Task ReleaseNodeLockAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", NodeLockKey);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await unlock.ExecuteScalarAsync(bounded.Token);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception) || exception is InvalidOperationException or OperationCanceledException)
        {
            // The session is gone, and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var expected = PostgresMigrations.LatestVersion;
        if (_writer is null || Volatile.Read(ref _disposed) != 0)
        {
            return new StoreHealth(false, Engine, 0, expected, "The store is not open.");
        }

        try
        {
            if (_options.ExclusiveNode && !await HoldsNodeLockAsync(cancellationToken))
            {
                return new StoreHealth(false, Engine, 0, expected, "another Roost node took this database while the connection was lost; restart this node.");
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var version = await PostgresMigrations.CurrentVersionAsync(connection, cancellationToken);
            return version == expected
                ? new StoreHealth(true, Engine, version, expected, null)
                : new StoreHealth(false, Engine, version, expected, $"Schema version {version}, expected {expected}.");
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            // /readyz is anonymous: it says what is wrong, the log says the details.
            Log.HealthQueryFailed(_logger, exception);
            return new StoreHealth(false, Engine, 0, expected, "store_unavailable: the database did not answer (see the server log).");
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
        }
        finally
        {
            if (_nodeLock is not null)
            {
                await ReleaseNodeLockAsync(_nodeLock);
            }

            _nodeLockGate.Dispose();
            await _dataSource.DisposeAsync();
            Log.Closed(_logger, _description);
        }
    }

    /// <summary>This node's connected devices (no push is queued for them), or none known.</summary>
    internal Core.Push.IConnectedDevices? ConnectedDevices { get; }

    internal Task<T> WriteAsync<T>(Func<PostgresWriteContext, Task<T>> work, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The store has not been initialized.");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return writer.WriteAsync(work, cancellationToken);
    }

    /// <summary>Runs reads in one snapshot (a read-only repeatable-read transaction) on a pooled connection.</summary>
    internal async Task<T> ReadSnapshotAsync<T>(Func<PostgresSession, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var result = await read(new PostgresSession(connection, transaction));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // Idle pooled connections to a server that went away are dead too: drop them, so the first reads after it
            // returns do not fail on them one by one.
            _dataSource.Clear();
            throw PostgresFailures.Unavailable(exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Opened PostgreSQL store {Database} at schema version {Version} ({Applied} migrations applied now)")]
        public static partial void Opened(ILogger logger, string database, int version, int applied);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Closed PostgreSQL store {Database}")]
        public static partial void Closed(ILogger logger, string database);

        [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Took the node lock on {Database} again after its connection was lost")]
        public static partial void NodeLockRetaken(ILogger logger, string database);

        [LoggerMessage(EventId = 1108, Level = LogLevel.Critical, Message = "Another Roost node serves {Database}: it took the node lock while this node's connection was lost. Stop one of them")]
        public static partial void NodeLockLost(ILogger logger, string database);

        [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "The database did not answer the readiness query")]
        public static partial void HealthQueryFailed(ILogger logger, Exception exception);
    }
}
