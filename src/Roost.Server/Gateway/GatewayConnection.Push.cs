using Roost.Core.Storage;

namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    /// <summary>
    /// The device synced: pushes still queued for it would only announce what the socket now brings. Not awaited by
    /// the send loop (its first live frames must not wait for a store write); a failure costs a needless push.
    /// </summary>
    private void CancelQueuedPushes(long syncedCursor)
    {
        var deviceId = DeviceId;
        var logger = _logger;
        _ = _services.Push.DeviceSyncedAsync(deviceId, syncedCursor, CancellationToken.None).ContinueWith(
            task =>
            {
                if (task.Exception?.GetBaseException() is { } failure and not (StoreUnavailableException or StorageFullException))
                {
                    PushLog.CancelFailed(logger, failure, deviceId);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static partial class PushLog
    {
        [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Cancelling the queued pushes of device {DeviceId} failed")]
        public static partial void CancelFailed(ILogger logger, Exception exception, long deviceId);
    }
}
