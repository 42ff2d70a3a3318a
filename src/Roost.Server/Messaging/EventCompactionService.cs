using Roost.Core.Storage;
using Roost.Server.Options;
using Roost.Server.Storage;

namespace Roost.Server.Messaging;

/// <summary>Deletes events older than the retention window, in bounded batches, every compaction interval.</summary>
public sealed partial class EventCompactionService(IRoostStore store, RoostOptions options, TimeProvider time, ILogger<EventCompactionService> logger)
    : PeriodicStoreJob(time, logger)
{
    protected override TimeSpan Interval => options.Messaging.CompactionInterval;

    protected override string JobName => "Event compaction";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => CompactOnceAsync(cancellationToken);

    private const int BatchSize = 10_000;

    /// <summary>One pass: compacts until nothing expired is left. Returns how many events went.</summary>
    public async Task<int> CompactOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var olderThan = Time.GetUtcNow() - options.Messaging.EventRetention;
        int deleted;
        do
        {
            deleted = await store.Events.CompactAsync(olderThan, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Log.Compacted(Logger, total);
        }

        return total;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Compacted {Count} expired events")]
        public static partial void Compacted(ILogger logger, int count);
    }
}
