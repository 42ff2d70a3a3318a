namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Account {AccountId} device {DeviceId} connected")]
        public static partial void Connected(ILogger logger, long accountId, long deviceId);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Account {AccountId} device {DeviceId} disconnected ({CloseStatus} {Description})")]
        public static partial void Disconnected(ILogger logger, long accountId, long deviceId, int closeStatus, string description);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A {FrameType} frame of account {AccountId} failed")]
        public static partial void OperationFailed(ILogger logger, Exception exception, string frameType, long accountId);
    }
}
