using Roost.Core.Storage;
using Roost.Server.Storage;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Deletes attempt counters whose window has ended, in bounded batches, every few minutes. A counter row lives at
/// most its window plus one interval, so the table holds the keys attempted within the longest window, no more.
/// </summary>
public sealed partial class AttemptCounterPruningService(IRoostStore store, TimeProvider time, ILogger<AttemptCounterPruningService> logger)
    : PeriodicStoreJob(time, logger)
{
    public static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(5);

    protected override TimeSpan Interval => PruneInterval;

    protected override string JobName => "Pruning attempt counters";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PruneOnceAsync(cancellationToken);

    private const int BatchSize = 10_000;

    /// <summary>One pass: deletes until no ended window is left. Returns how many rows went.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var now = Time.GetUtcNow();
        int deleted;
        do
        {
            deleted = await store.Counters.DeleteEndedAsync(now, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Log.Pruned(Logger, total);
        }

        return total;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Pruned {Count} ended attempt counters")]
        public static partial void Pruned(ILogger logger, int count);
    }
}
