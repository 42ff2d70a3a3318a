using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Roost.Storage.Sqlite;

/// <summary>
/// The single writer of the database. Operations queue in a bounded channel; the writer takes as many as are
/// waiting (up to a batch limit) and commits them in one transaction, so concurrent senders share one fsync.
/// Each operation runs inside a savepoint: one that throws is rolled back alone and the rest of the batch commits.
/// </summary>
internal sealed partial class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<SqliteWriteOperation> _queue;
    private readonly SqliteConnection _connection;
    private readonly SqliteWriteContext _context;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _disposed;

    public SqliteWriter(SqliteConnection connection, SqliteStoreOptions options, ILogger logger)
    {
        _connection = connection;
        _context = new SqliteWriteContext(connection);
        _maxBatch = options.MaxWriteBatch;
        _logger = logger;
        _queue = Channel.CreateBounded<SqliteWriteOperation>(new BoundedChannelOptions(options.WriteQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> work, CancellationToken cancellationToken)
    {
        var operation = new SqliteWriteOperation<T>(work, cancellationToken);
        return _queue.Writer.TryWrite(operation) ? operation.Task : EnqueueSlowlyAsync(operation, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Let queued operations finish: whatever a caller was told is stored must be stored.
        _queue.Writer.TryComplete();
        await _loop;
        _context.Dispose();
    }

    private async Task<T> EnqueueSlowlyAsync<T>(SqliteWriteOperation<T> operation, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(operation, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The store is shutting down.");
        }

        return await operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<SqliteWriteOperation>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            CommitBatch(batch);
            batch.Clear();
        }
    }

    private void CommitBatch(List<SqliteWriteOperation> batch)
    {
        Exception? batchFailure = null;
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _context.Transaction = transaction;
            foreach (var operation in batch)
            {
                if (!operation.IsCanceled)
                {
                    ExecuteInSavepoint(operation);
                }
            }

            transaction.Commit();
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
        }

        foreach (var operation in batch)
        {
            operation.Complete(batchFailure);
        }
    }

    private void ExecuteInSavepoint(SqliteWriteOperation operation)
    {
        _context.Execute("SAVEPOINT operation");
        try
        {
            operation.Execute(_context);
        }
        catch (SqliteException exception)
        {
            // Undo this operation's changes only; the rest of the batch goes on.
            _context.Execute("ROLLBACK TO operation");
            _context.Execute("RELEASE operation");
            operation.Fail(exception);
            return;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException)
        {
            _context.Execute("ROLLBACK TO operation");
            _context.Execute("RELEASE operation");
            operation.Fail(exception);
            return;
        }

        _context.Execute("RELEASE operation");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "A write batch of {Count} operations failed and was rolled back")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int count);
    }
}
