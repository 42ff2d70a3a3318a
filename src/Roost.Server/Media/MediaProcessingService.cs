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
        // Slots, not batches: a slot freed by a quick job takes the next one while a slow job goes on in another.
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveAll(task => task.IsCompleted);
                var claimed = 0;
                if (running.Count < concurrency)
                {
                    try
                    {
                        var jobs = await processor.ClaimAsync(Lease, concurrency - running.Count, stoppingToken);
                        running.AddRange(jobs.Select(job => RunLeasedAsync(job, stoppingToken)));
                        claimed = jobs.Count;
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
                }

                if (running.Count >= concurrency)
                {
                    await Task.WhenAny(running);
                }
                else if (claimed == 0)
                {
                    // Nothing due: until an upload here finishes, or the poll for other nodes' uploads.
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
        }
        finally
        {
            // Jobs end quickly once stopping (their leases let another node finish them); wait so nothing they use is disposed under them.
            await Task.WhenAll(running);
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the job is claimed again.
        }
#pragma warning disable CA1031 // Recording the outcome failed (the store is away): the lease runs out and the job comes back.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.JobFailed(logger, exception, job.MediaId);
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

        [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "Media job {MediaId} could not record its outcome; it runs again when its lease ends")]
        public static partial void JobFailed(ILogger logger, Exception exception, string mediaId);

        [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Claiming media jobs failed; trying again shortly")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);
    }
}
