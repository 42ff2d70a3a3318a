using Roost.Core.Media;
using Roost.Core.Storage;

namespace Roost.Server.Media;

/// <summary>
/// Every minute: expires unfinished uploads and unattached media, and deletes the objects no one needs any more
/// (chunks of finished uploads, blobs no file names since a grace period that protects a reservation in flight,
/// reservations never completed). The blobs handed out are this sweeper's claim: no other node deletes them while it
/// is fresh, and they are forgotten only while still this claim. A sweeper stops deleting at half the grace, before
/// another may take its claim over.
/// </summary>
internal sealed partial class MediaSweeperService(IRoostStore store, IBlobStore blobs, TimeProvider time, ILogger<MediaSweeperService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    /// <summary>How old a reservation no file names must be to be collected: well above the processing lease (5 min, renewed).</summary>
    private static readonly TimeSpan AbandonedGrace = TimeSpan.FromHours(1);
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var keys = await store.Media.CollectGarbageAsync(now, now - Grace, now - AbandonedGrace, Batch, cancellationToken);
            var deleted = new List<string>(keys.Count);
            foreach (var key in keys)
            {
                if (!MediaJobRules.ClaimStillHeld(now, time.GetUtcNow(), Grace))
                {
                    break; // the rest is claimed again once stale, by whichever sweeper comes first
                }

                await blobs.DeleteAsync(key, cancellationToken);
                deleted.Add(key);
            }

            if (deleted.Count > 0)
            {
                await store.Media.ForgetDeletedAsync(deleted, now, cancellationToken);
                Log.Swept(logger, deleted.Count);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed sweep is tried again next minute.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.SweepFailed(logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3030, Level = LogLevel.Debug, Message = "Deleted {Count} media objects nothing uses")]
        public static partial void Swept(ILogger logger, int count);

        [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Sweeping media failed; trying again next minute")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
