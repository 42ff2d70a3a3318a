using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Storage.Sqlite;

/// <summary>
/// The single writer of the database. Operations queue in a bounded channel; the writer takes as many as are
/// waiting (up to a batch limit) and commits them in one transaction, so concurrent senders share one fsync.
/// An operation that throws is rolled back alone and the rest of the batch commits: the batch then runs again with a
/// savepoint around each operation (most batches have no such failure, and skip the two statements each costs).
/// </summary>
internal sealed partial class SqliteWriter : IAsyncDisposable
{
    private readonly PendingWrites<SqliteWriteOperation> _queue;
    private readonly SqliteConnection _connection;
    private readonly SqliteWriteContext _context;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly ICommittedEventListener? _listener;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly Task _loop;
    private int _disposed;
    private int _storageFull;

    public SqliteWriter(SqliteConnection connection, SqliteStoreOptions options, ICommittedEventListener? listener, SqliteCheckpointer? checkpointer, ILogger logger)
    {
        _listener = listener;
        _checkpointer = checkpointer;
        _connection = connection;
        _context = new SqliteWriteContext(connection);
        _maxBatch = options.MaxWriteBatch;
        _logger = logger;
        _queue = new PendingWrites<SqliteWriteOperation>(options.WriteQueueCapacity);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True from a commit that failed for lack of space until the next commit that succeeds.</summary>
    public bool IsStorageFull => Volatile.Read(ref _storageFull) != 0;

    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> work, CancellationToken cancellationToken)
    {
        var operation = new SqliteWriteOperation<T>(work, cancellationToken);
        return _queue.TryEnqueue(operation) ? operation.Task : EnqueueSlowlyAsync(operation, cancellationToken);
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
        _context.Dispose();
    }

    private async Task<T> EnqueueSlowlyAsync<T>(SqliteWriteOperation<T> operation, CancellationToken cancellationToken)
    {
        await _queue.EnqueueAsync(operation, nameof(SqliteWriter), cancellationToken);
        return await operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<SqliteWriteOperation>(_maxBatch);
        try
        {
            while (await _queue.NextBatchAsync(batch, _maxBatch))
            {
                CommitBatch(batch);
                batch.Clear();
            }
        }
#pragma warning disable CA1031 // The writer must never die silently: every waiting caller hears of it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.WriterFailed(_logger, exception);
            _queue.Close(exception);
            foreach (var operation in batch)
            {
                operation.Complete(exception);
            }

            while (_queue.TryTake(out var queued))
            {
                queued.Complete(exception);
            }
        }
    }

    private void CommitBatch(List<SqliteWriteOperation> batch)
    {
        if (_checkpointer?.TakeRestartRequest() == true)
        {
            RestartWal();
        }

        Exception? batchFailure = null;
        var changesBefore = SQLitePCL.raw.sqlite3_total_changes(_connection.Handle);
        try
        {
            if (!RunBatch(batch, savepoints: false))
            {
                foreach (var operation in batch)
                {
                    operation.Reset();
                }

                RunBatch(batch, savepoints: true);
            }

            // Only a commit that wrote something proves there is space again: a batch of duplicates or refusals
            // commits fine on a full disk, and must not end the episode (the log and /readyz would flap).
            if (Volatile.Read(ref _storageFull) != 0
                && SQLitePCL.raw.sqlite3_total_changes(_connection.Handle) != changesBefore
                && Interlocked.Exchange(ref _storageFull, 0) != 0)
            {
                Log.StorageRecovered(_logger);
            }

            Publish();
            _checkpointer?.Committed();
        }
        catch (Exception exception) when (StorageFull(exception) is { } full)
        {
            // Nothing of the batch is committed, and nobody is told otherwise. One log line per episode, not per write:
            // a full disk under load would otherwise fill what little space is left with the same message.
            batchFailure = full;
            if (Interlocked.Exchange(ref _storageFull, 1) == 0)
            {
                Log.StorageFull(_logger, full.InnerException ?? full);
            }
        }
#pragma warning disable CA1031 // Any failure of the batch must reach every waiting caller instead of killing the writer.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            batchFailure = exception;
            Log.BatchFailed(_logger, exception, batch.Count);
        }
        finally
        {
            _context.Transaction = null;
            _context.Emitted.Clear();
        }

        foreach (var operation in batch)
        {
            operation.Complete(batchFailure);
        }
    }

    /// <summary>
    /// Copies the frames committed since the last background checkpoint, so that the next transaction finds the WAL
    /// fully copied and starts it over (unless a reader still uses it: then the checkpointer asks again later).
    /// </summary>
    private void RestartWal()
    {
        try
        {
            _context.Execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteBusy)
        {
            // The background checkpoint is running right now; it asks again if the WAL is still too large.
        }
        catch (SqliteException exception)
        {
            Log.RestartFailed(_logger, exception);
        }
    }

    /// <summary>One transaction over the batch; false when, without savepoints, an operation threw and it was rolled back.</summary>
    private bool RunBatch(List<SqliteWriteOperation> batch, bool savepoints)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _context.Transaction = transaction;
        foreach (var operation in batch)
        {
            if (operation.IsCanceled)
            {
                continue;
            }

            if (savepoints)
            {
                ExecuteInSavepoint(operation);
                continue;
            }

            try
            {
                operation.Execute(_context);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException && StorageFull(exception) is null)
            {
                // The operation's own failure (a constraint, a bug in it): undo the batch and run it again with savepoints.
                transaction.Rollback();
                _context.Emitted.Clear();
                return false;
            }
        }

        transaction.Commit();
        return true;
    }

    private void ExecuteInSavepoint(SqliteWriteOperation operation)
    {
        var emittedBefore = _context.Emitted.Count;
        _context.Execute("SAVEPOINT operation");
        try
        {
            operation.Execute(_context);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteFull)
        {
            // Not this operation's fault, and SQLite may have rolled back the whole transaction: the batch fails.
            // (Microsoft.Data.Sqlite 10 notices SQLite's own rollback, so disposing the transaction does not throw
            // a second error over this one; efcore#36685 fixed that.)
            throw new StorageFullException("The store is full: no space is left for writes.", exception);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever one operation throws is its own failure; if even the rollback fails, the batch fails.
            RollBack(operation, exception, emittedBefore);
            return;
        }

        _context.Execute("RELEASE operation");
    }

    /// <summary>
    /// Hands the batch's events to the listener in commit order, before any caller hears back, so a live connection
    /// never sees cursor N+1 before N. The data is committed whatever the listener does: a failure here is only logged,
    /// and clients recover the events by syncing.
    /// </summary>
    private void Publish()
    {
        if (_listener is null || _context.Emitted.Count == 0)
        {
            return;
        }

        try
        {
            _listener.OnCommitted([.. _context.Emitted]);
        }
#pragma warning disable CA1031 // The commit stands; a listener fault must not be reported to callers as a failed write.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PublishFailed(_logger, exception, _context.Emitted.Count);
        }
    }

    private void RollBack(SqliteWriteOperation operation, Exception exception, int emittedBefore)
    {
        // Undo this operation's changes only (and forget its events); the rest of the batch goes on.
        _context.Execute("ROLLBACK TO operation");
        _context.Execute("RELEASE operation");
        _context.Emitted.RemoveRange(emittedBefore, _context.Emitted.Count - emittedBefore);
        operation.Fail(exception);
    }

    /// <summary>SQLITE_BUSY: another connection holds the lock (here: the checkpointer's).</summary>
    private const int SqliteBusy = 5;

    /// <summary>SQLITE_FULL: the disk (or max_page_count) has no room for the write.</summary>
    private const int SqliteFull = 13;

    private static StorageFullException? StorageFull(Exception exception) => exception switch
    {
        StorageFullException full => full,
        SqliteException { SqliteErrorCode: SqliteFull } sqlite => new StorageFullException("The store is full: no space is left for writes.", sqlite),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "The store is full: writes fail with storage_full until space is freed in the data folder")]
        public static partial void StorageFull(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The store has space again: writes succeed")]
        public static partial void StorageRecovered(ILogger logger);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A write batch of {Count} operations failed and was rolled back")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Critical, Message = "The store writer stopped; every write fails until restart")]
        public static partial void WriterFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Copying the WAL before starting it over failed; the next checkpoint retries")]
        public static partial void RestartFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Publishing {Count} committed events failed; clients will recover them by syncing")]
        public static partial void PublishFailed(ILogger logger, Exception exception, int count);
    }
}
