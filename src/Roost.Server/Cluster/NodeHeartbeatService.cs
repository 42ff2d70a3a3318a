using Roost.Core.Cluster;
using Roost.Server.Storage;

namespace Roost.Server.Cluster;

/// <summary>
/// This node's heartbeat and the sweep for dead nodes, every <see cref="NodeContext.HeartbeatInterval"/>; at stop
/// (after the server has closed its connections), this node's clean end in the registry.
/// </summary>
internal sealed partial class NodeHeartbeatService(NodeRegistry registry, TimeProvider time, ILogger<NodeHeartbeatService> logger)
    : PeriodicStoreJob(time, logger)
{
    protected override TimeSpan Interval => registry.Node.HeartbeatInterval;

    protected override string JobName => "The node heartbeat";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => registry.BeatAndSweepAsync(cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await registry.StopAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is Core.Storage.StoreUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // The others declare this node dead once its heartbeat is old enough.
            Log.StopNotRecorded(Logger, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "This node's stop could not be recorded in the registry ({Reason}); other nodes will declare it dead")]
        public static partial void StopNotRecorded(ILogger logger, string reason);
    }
}
