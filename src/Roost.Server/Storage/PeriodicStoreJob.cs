using Roost.Core.Storage;

namespace Roost.Server.Storage;

/// <summary>
/// Store housekeeping that runs once per interval on the injected clock and survives its own failures: the next tick
/// tries again. A full disk or an absent database is already logged by the store; anything else is logged here. (An
/// exception escaping a background service would stop the whole host.)
/// </summary>
public abstract partial class PeriodicStoreJob(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    /// <summary>For the log: what the job does ("event compaction").</summary>
    protected abstract string JobName { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (exception is not (StorageFullException or StoreUnavailableException))
                    {
                        Log.JobFailed(Logger, exception, JobName);
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
        [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "{Job} failed; the next run tries again")]
        public static partial void JobFailed(ILogger logger, Exception exception, string job);
    }
}
