using Roost.Core.Cluster;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Push;

/// <summary>Whether a device has a live connection (it then gets its messages over the socket, not by push).</summary>
public interface IDeviceLiveness
{
    ValueTask<bool> IsConnectedAsync(long accountId, long deviceId, CancellationToken cancellationToken);
}

/// <summary>
/// Connected to this node (from memory), or, in a cluster, to another node as the online rows say (one indexed read;
/// the rows follow connections within the online-rows loop's write, so a device that connected elsewhere a moment
/// ago may still get one push).
/// </summary>
public sealed class DeviceLiveness(EventRouter router, IRoostStore store, NodeContext node) : IDeviceLiveness
{
    public async ValueTask<bool> IsConnectedAsync(long accountId, long deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (router.IsDeviceConnectedHere(accountId, deviceId))
        {
            return true;
        }

        return node.Clustered && await store.Nodes.IsDeviceOnlineElsewhereAsync(accountId, deviceId, node.NodeId, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A device connected to this node; for one node alone (benchmarks, tests of the dispatcher).</summary>
public sealed class LocalDeviceLiveness(EventRouter router) : IDeviceLiveness
{
    public ValueTask<bool> IsConnectedAsync(long accountId, long deviceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(router.IsDeviceConnectedHere(accountId, deviceId));
}
