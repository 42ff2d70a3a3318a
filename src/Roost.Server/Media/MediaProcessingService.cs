using Roost.Core.Media;
using Roost.Core.Storage;

namespace Roost.Server.Media;

/// <summary>
/// Runs the durable processing queue on this node: claims finished uploads (woken at once by uploads here, polling
/// for other nodes'), at most <c>ProcessingConcurrency</c> at a time, each under a lease another node takes over if
/// this one dies. A running job renews its lease every third of it, so a long job is not claimed twice.
/// </summary>
internal sealed partial class MediaProcessingService(
    IRoostStore store,
    MediaProcessor processor,
    MediaSignal signal,
    int concurrency,
    TimeProvider time,
    ILogger<MediaProcessingService> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var jobs = await processor.ClaimAsync(Lease, concurrency, stoppingToken);
                if (jobs.Count > 0)
                {
                    await Task.WhenAll(jobs.Select(job => RunLeasedAsync(job, stoppingToken)));
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The store may be away for a while; the loop must outlive it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ClaimFailed(logger, exception);
            }

            try
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs a job, renewing its lease until it ends.</summary>
    private async Task RunLeasedAsync(MediaJob job, CancellationToken stoppingToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewLeaseAsync(job.MediaId, running.Token);
        try
        {
            await processor.RunAsync(job, stoppingToken);
        }
        finally
        {
            await running.CancelAsync();
            await renewing;
        }
    }

    private async Task RenewLeaseAsync(string mediaId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MediaJobRules.LeaseRenewal(Lease), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (!await store.Media.ExtendJobLeaseAsync(mediaId, time.GetUtcNow() + Lease, cancellationToken))
                    {
                        return; // no longer processing: finished, refused or deleted
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A missed renewal is tried again next tick; the lease outlasts two of them.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    Log.RenewFailed(logger, exception, mediaId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Renewing the lease of media job {MediaId} failed; trying again shortly")]
        public static partial void RenewFailed(ILogger logger, Exception exception, string mediaId);

        [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Claiming media jobs failed; trying again shortly")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);
    }
}
