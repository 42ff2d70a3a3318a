using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Roost.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on its own connection, beside the writer. SQLite's automatic checkpoint
/// runs inside whichever commit crosses the threshold: that commit (and every send queued behind it) waited for pages
/// to be copied and the database file fsynced — the 100 ms tail of a durable ack at 1,000 msgs/s. A PASSIVE checkpoint
/// here takes no lock the writer or a reader waits for; it copies what no open snapshot still needs, and SQLite starts
/// the WAL over from the beginning once everything was copied.
/// </summary>
internal sealed partial class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>Checkpoint at least this often while commits happen, so the WAL (and recovery after a crash) stays small.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Commits after which a checkpoint is started without waiting for the interval (heavy write load).</summary>
    public const int CommitsPerCheckpoint = 2_000;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _commits;

    public SqliteCheckpointer(string connectionString, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "PRAGMA busy_timeout = 0";
            command.ExecuteNonQuery();
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called by the writer after each commit; cheap, never waits.</summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) == CommitsPerCheckpoint)
        {
            Signal();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _connection.DisposeAsync();
        _stop.Dispose();
        _due.Dispose();
    }

    private void Signal()
    {
        try
        {
            _due.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already due.
        }
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval, _time);
        var tick = timer.WaitForNextTickAsync(_stop.Token).AsTask();
        var signalled = _due.WaitAsync(_stop.Token);
        while (true)
        {
            try
            {
                // Each wait is started once and kept until it completes, so no waiter is left behind per loop.
                var done = await Task.WhenAny(tick, signalled);
                await done;
                if (done == tick)
                {
                    tick = timer.WaitForNextTickAsync(_stop.Token).AsTask();
                }
                else
                {
                    signalled = _due.WaitAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (Interlocked.Exchange(ref _commits, 0) > 0)
            {
                Checkpoint();
            }
        }
    }

    private void Checkpoint()
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        }
#pragma warning disable CA1031 // A checkpoint that fails is retried at the next one; the data is safe in the WAL meanwhile.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(_logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "A background WAL checkpoint failed; the next one retries")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);
    }
}
