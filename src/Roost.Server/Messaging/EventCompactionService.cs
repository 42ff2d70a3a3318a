using Roost.Core.Storage;
using Roost.Server.Options;

namespace Roost.Server.Messaging;

/// <summary>Deletes events older than the retention window, in bounded batches, every compaction interval.</summary>
public sealed partial class EventCompactionService(IRoostStore store, RoostOptions options, TimeProvider time, ILogger<EventCompactionService> logger)
    : BackgroundService
{
    private const int BatchSize = 10_000;

    /// <summary>One pass: compacts until nothing expired is left. Returns how many events went.</summary>
    public async Task<int> CompactOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var olderThan = time.GetUtcNow() - options.Messaging.EventRetention;
        int deleted;
        do
        {
            deleted = await store.Events.CompactAsync(olderThan, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Log.Compacted(logger, total);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Messaging.CompactionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CompactOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The store is away or full, or something else failed: the next tick tries again. An exception
                    // escaping a background service would stop the whole host.
                    Log.CompactionSkipped(logger, exception);
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
        [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Compacted {Count} expired events")]
        public static partial void Compacted(ILogger logger, int count);

        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Event compaction failed; the next run tries again")]
        public static partial void CompactionSkipped(ILogger logger, Exception exception);
    }
}
