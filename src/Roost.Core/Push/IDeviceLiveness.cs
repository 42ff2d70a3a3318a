using Roost.Core.Delivery;

namespace Roost.Core.Push;

/// <summary>Whether a device has a live connection (it then gets its messages over the socket, not by push).</summary>
public interface IDeviceLiveness
{
    ValueTask<bool> IsConnectedAsync(long accountId, long deviceId, CancellationToken cancellationToken);
}

/// <summary>
/// A device connected to this node. In a cluster a device connected to another node is not seen here: its push goes
/// out anyway (the app, in the foreground, drops it), which costs a push, never a message; docs/push.md says so.
/// </summary>
public sealed class LocalDeviceLiveness(EventRouter router) : IDeviceLiveness
{
    public ValueTask<bool> IsConnectedAsync(long accountId, long deviceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(router.IsDeviceConnectedHere(accountId, deviceId));
}
