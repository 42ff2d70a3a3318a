using Roost.Core.Presence;
using Roost.Protocol.Realtime;

namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    private PresenceSubscription? _presenceSubscription;

    /// <summary>Created on first use; closed (for good) when the connection ends, so a subscribe still running then watches nothing.</summary>
    private PresenceSubscription PresenceSubscription =>
        LazyInitializer.EnsureInitialized(ref _presenceSubscription, () => new PresenceSubscription(this));

    /// <summary>
    /// <c>presence.subscribe</c>: replaces the accounts whose presence this connection follows. On success the answer
    /// (<c>presence.subscribed</c>) is queued by the watcher registry, in order with the changes it pushes, so nothing
    /// is returned here.
    /// </summary>
    private async Task<byte[]> SubscribePresenceAsync(ClientFrame frame)
    {
        if (frame.AccountIds is not { } accountIds)
        {
            return Missing(frame, "accountIds");
        }

        if (_services.Messaging.CheckPresenceSubscribe(AccountId) is { } limited)
        {
            return GatewayFrames.Error(frame.Ref, limited);
        }

        // Up to 100 contact checks read the store synchronously: not on the socket I/O thread (InlineScheduling).
        await Task.Yield();

        // No await before this call: it numbers the subscribe in the order the receive loop read it.
        var outcome = await _services.Presence.SubscribeAsync(PresenceSubscription, frame.Ref, accountIds, CancellationToken.None);
        return outcome.IsSuccess ? [] : GatewayFrames.Error(frame.Ref, outcome.Error);
    }
}
