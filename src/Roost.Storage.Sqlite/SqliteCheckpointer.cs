using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Roost.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on its own connection, beside the writer. SQLite's automatic checkpoint
/// runs inside whichever commit crosses the threshold: that commit (and every send queued behind it) waited for pages
/// to be copied and the database file fsynced — the 100 ms tail of a durable ack at 1,000 msgs/s. A PASSIVE checkpoint
/// here takes no lock the writer or a reader waits for; it copies what no open snapshot still needs. It still shares
/// the disk: the database file's fsync writes every page copied since the last one, and a commit's fsync waits behind it.
/// </summary>
internal sealed partial class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>
    /// Checkpoint this often while commits happen. Each checkpoint's fsync of the database file holds up the commits
    /// that fsync the WAL meanwhile; every 100 ms instead measured worse on a seeded store larger than the OS cache
    /// (p99 1.2–1.4 s against 0.35–0.5 s at 1,000 msgs/s), as the same pages are written ten times as often.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Commits after which a checkpoint is started without waiting for the interval (heavy write load).</summary>
    public const int CommitsPerCheckpoint = 2_000;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _restartAfterFrames;
    private int _commits;
    private int _restartWanted;

    /// <summary>Each WAL frame is a page after a 24-byte header.</summary>
    private const int WalFrameHeaderBytes = 24;

    /// <param name="maxWalBytes">A WAL larger than this is started over (<see cref="TakeRestartRequest"/>).</param>
    public SqliteCheckpointer(string connectionString, long maxWalBytes, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            using var command = _connection.CreateCommand();

            command.CommandText = "PRAGMA busy_timeout = 0";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA page_size";
            _restartAfterFrames = maxWalBytes / (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) + WalFrameHeaderBytes);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// True once (then false until the next request) when the WAL has grown past its limit. SQLite
    /// starts the WAL over only when a write begins with every frame already copied, which never happens while
    /// commits keep coming faster than a checkpoint ends: the WAL then grows without bound (gigabytes under sustained
    /// load). The writer answers by copying the last frames itself, between two batches, so its next write starts over.
    /// </summary>
    public bool TakeRestartRequest() => Volatile.Read(ref _restartWanted) != 0 && Interlocked.Exchange(ref _restartWanted, 0) != 0;

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

    /// <summary>One PASSIVE checkpoint now (the loop runs it on its schedule; tests call it directly).</summary>
    internal void Checkpoint()
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var result = command.ExecuteReader();
            if (result.Read() && result.GetInt64(1) >= _restartAfterFrames)
            {
                Volatile.Write(ref _restartWanted, 1);
            }
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
