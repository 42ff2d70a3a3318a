using Roost.Core.Storage;

namespace Roost.Server.Media;

/// <summary>
/// Runs the durable processing queue on this node: claims finished uploads (woken at once by uploads here, polling
/// for other nodes'), at most <c>ProcessingConcurrency</c> at a time, each under a lease another node takes over if
/// this one dies.
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
                var now = time.GetUtcNow();
                var jobs = await store.Media.ClaimJobsAsync(now, now + Lease, concurrency, stoppingToken);
                if (jobs.Count > 0)
                {
                    await Task.WhenAll(jobs.Select(job => processor.RunAsync(job, stoppingToken)));
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Claiming media jobs failed; trying again shortly")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);
    }
}
