using Microsoft.Extensions.Logging;
using Npgsql;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Storage.Postgres;

/// <summary>
/// This node's writer. Operations queue in a bounded channel; the writer takes as many as are waiting (up to a batch
/// limit) and commits them in one transaction, each inside a savepoint, so concurrent senders share one commit.
/// <para>
/// The ordering rule across nodes: every batch first takes <see cref="AppendLock"/>, a transaction-level advisory lock
/// held until its commit is visible. Event ids are drawn from the sequence only under that lock, so one batch's ids are
/// all above every id of any batch committed before it, and below any committed after it: a reader or publisher that
/// sees cursor N already sees every event that will ever have a cursor below N. Rolled-back batches leave gaps in the
/// ids, never reorderings. The cost is that batches from all nodes commit one at a time; batching keeps that to one
/// lock hand-over per batch, not per message.
/// </para>
/// </summary>
internal sealed partial class PostgresWriter : IAsyncDisposable
{
    /// <summary>The advisory lock key of the event append ('roost' 'evts' as bytes): any fixed number shared by every node.</summary>
    public const long AppendLock = 0x726f6f7374_657674;

    private readonly PendingWrites<PostgresWriteOperation> _queue;
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatch;
    private readonly bool _chainsEvents;
    private readonly ILogger _logger;
    private readonly ICommittedEventListener? _listener;
    private readonly Task _loop;
    private NpgsqlConnection? _connection;
    private int _disposed;
    private int _unavailable;

    public PostgresWriter(NpgsqlDataSource dataSource, PostgresStoreOptions options, ICommittedEventListener? listener, ILogger logger)
    {
        _dataSource = dataSource;
        _listener = listener;
        _maxBatch = options.MaxWriteBatch;
        _chainsEvents = !options.ExclusiveNode;
        _logger = logger;
        _queue = new PendingWrites<PostgresWriteOperation>(options.WriteQueueCapacity);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True from a batch that failed for want of the database until the next batch that commits.</summary>
    public bool IsUnavailable => Volatile.Read(ref _unavailable) != 0;

    public Task<T> WriteAsync<T>(Func<PostgresWriteContext, Task<T>> work, CancellationToken cancellationToken)
    {
        var operation = new PostgresWriteOperation<T>(work, cancellationToken);
        if (_queue.TryEnqueue(operation))
        {
            return operation.Task;
        }

        // A full queue while the database is away will not drain soon: answer now instead of making the caller wait
        // behind thousands of writes that each wait for a connection.
        return IsUnavailable
            ? Task.FromException<T>(PostgresFailures.Unavailable(new TimeoutException("The write queue is full while the database is unavailable.")))
            : EnqueueSlowlyAsync(operation, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Let queued operations finish: whatever a caller was told is stored must be stored.
        _queue.Close();
        await _loop;
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task<T> EnqueueSlowlyAsync<T>(PostgresWriteOperation<T> operation, CancellationToken cancellationToken)
    {
        await _queue.EnqueueAsync(operation, nameof(PostgresWriter), cancellationToken);
        return await operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PostgresWriteOperation>(_maxBatch);
        while (await _queue.NextBatchAsync(batch, _maxBatch))
        {
            await CommitBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitBatchAsync(List<PostgresWriteOperation> batch)
    {
        Exception? batchFailure = null;
        try
        {
            // Most batches have no operation that fails inside the database, so they run without a savepoint per
            // operation (two round trips each). When one does fail, the transaction is aborted: it is rolled back and
            // the batch runs again with savepoints, so that operation fails alone and the others commit.
            if (!await RunBatchAsync(batch, savepoints: false))
            {
                foreach (var operation in batch)
                {
                    operation.Reset();
                }

                await RunBatchAsync(batch, savepoints: true);
            }

            if (Interlocked.Exchange(ref _unavailable, 0) != 0)
            {
                Log.Recovered(_logger);
            }
        }
#pragma warning disable CA1031 // Any failure of the batch must reach every waiting caller instead of killing the writer.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Nothing of the batch is acknowledged. A broken connection is dropped; the next batch opens a new one.
            if (PostgresFailures.IsUnavailable(exception) || _connection?.FullState.HasFlag(System.Data.ConnectionState.Broken) == true)
            {
                batchFailure = PostgresFailures.Unavailable(exception);
                _dataSource.Clear();
                if (Interlocked.Exchange(ref _unavailable, 1) == 0)
                {
                    Log.Unavailable(_logger, exception);
                }
            }
            else
            {
                batchFailure = exception;
                Log.BatchFailed(_logger, exception, batch.Count);
            }

            await DropConnectionAsync();
        }

        foreach (var operation in batch)
        {
            operation.Complete(batchFailure);
        }
    }

    /// <summary>One transaction over the batch; false when, without savepoints, an operation failed and it was rolled back.</summary>
    private async Task<bool> RunBatchAsync(List<PostgresWriteOperation> batch, bool savepoints)
    {
        var connection = _connection ??= await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
        var context = new PostgresWriteContext(connection, transaction);

        // READ COMMITTED matters: each statement after the lock sees every batch committed before the lock was
        // granted, so reading a conversation's newest seq needs no row lock. (Under REPEATABLE READ the snapshot would
        // be taken by the lock statement itself, before the previous holder's commit is visible.)
        await using (var lockCommand = context.Command("SELECT pg_advisory_xact_lock(@key)"))
        {
            lockCommand.Parameters.AddWithValue("key", AppendLock);
            await lockCommand.ExecuteNonQueryAsync();
        }

        foreach (var operation in batch)
        {
            if (operation.IsCanceled)
            {
                continue;
            }

            if (savepoints)
            {
                await ExecuteInSavepointAsync(context, transaction, operation);
                continue;
            }

            try
            {
                await operation.ExecuteAsync(context);
            }
            catch (Exception exception) when (!PostgresFailures.IsUnavailable(exception) && exception is not OutOfMemoryException)
            {
                // The operation's own failure (a constraint, a bug in it): the batch runs again with savepoints. A
                // rollback that fails means the connection is gone, and the batch fails as unavailable.
                await transaction.RollbackAsync();
                return false;
            }
        }

        if (_chainsEvents)
        {
            // Alone on the database, this node hands every event to its connections itself, in order: no gap to show.
            await context.ChainEmittedAsync();
        }

        await transaction.CommitAsync();
        Publish(context.Emitted);
        return true;
    }

    private static async Task ExecuteInSavepointAsync(PostgresWriteContext context, NpgsqlTransaction transaction, PostgresWriteOperation operation)
    {
        var emittedBefore = context.Emitted.Count;
        await transaction.SaveAsync("operation");
        try
        {
            await operation.ExecuteAsync(context);
        }
        catch (Exception exception) when (!PostgresFailures.IsUnavailable(exception) && exception is not OutOfMemoryException)
        {
            // Whatever one operation throws is its own failure; if even the rollback fails, the batch fails.
            await transaction.RollbackAsync("operation");
            context.Emitted.RemoveRange(emittedBefore, context.Emitted.Count - emittedBefore);
            operation.Fail(exception);
            return;
        }

        await transaction.ReleaseAsync("operation");
    }

    /// <summary>Hands the batch's events to the listener in cursor order, before any caller hears back.</summary>
    private void Publish(List<CommittedEvent> emitted)
    {
        if (_listener is null || emitted.Count == 0)
        {
            return;
        }

        try
        {
            _listener.OnCommitted(emitted);
        }
#pragma warning disable CA1031 // The commit stands; a listener fault must not be reported to callers as a failed write.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PublishFailed(_logger, exception, emitted.Count);
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            await _connection.DisposeAsync();
        }
#pragma warning disable CA1031 // Closing a connection that already broke may throw; it is gone either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _connection = null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "A write batch of {Count} operations failed and was rolled back")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "The database is unavailable: writes fail with store_unavailable until it answers again")]
        public static partial void Unavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "The database answers again: writes succeed")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Publishing {Count} committed events failed; clients will recover them by syncing")]
        public static partial void PublishFailed(ILogger logger, Exception exception, int count);
    }
}
