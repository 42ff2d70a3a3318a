using Roost.Core.Storage;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Deletes attempt counters whose window has ended, in bounded batches, every few minutes. A counter row lives at
/// most its window plus one interval, so the table holds the keys attempted within the longest window, no more.
/// </summary>
public sealed partial class AttemptCounterPruningService(IRoostStore store, TimeProvider time, ILogger<AttemptCounterPruningService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private const int BatchSize = 10_000;

    /// <summary>One pass: deletes until no ended window is left. Returns how many rows went.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var now = time.GetUtcNow();
        int deleted;
        do
        {
            deleted = await store.Counters.DeleteEndedAsync(now, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Log.Pruned(logger, total);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await PruneOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A full disk or an absent database is reported by the store; anything else is logged here. The next
                    // tick tries again: an exception escaping a background service would stop the whole host.
                    if (exception is not (StorageFullException or StoreUnavailableException))
                    {
                        Log.PruneFailed(logger, exception);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Pruning attempt counters failed; the next run tries again")]
        public static partial void PruneFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Pruned {Count} ended attempt counters")]
        public static partial void Pruned(ILogger logger, int count);
    }
}
