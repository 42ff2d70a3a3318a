using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Push;

/// <summary>The push use cases of a signed-in device: its target, the account's preview opt-in, and cancelling on connect.</summary>
public sealed class PushService(IRoostStore store, PushCapabilities capabilities, TimeProvider time, PushDispatcher? dispatcher = null)
{
    public async Task<Outcome<PushTarget>> RegisterAsync(long accountId, long deviceId, NewPushTarget request, CancellationToken cancellationToken)
    {
        var validated = PushTargetRules.Validate(request, capabilities, accountId, deviceId, time.GetUtcNow());
        if (validated.Error is not null)
        {
            return validated;
        }

        if (!await store.Push.RegisterAsync(validated.Value!, cancellationToken))
        {
            return RoostError.NotFound("The session");
        }

        // Jobs queued before the registration (for an earlier token) may be due now.
        dispatcher?.Wake();
        return validated;
    }

    public Task<PushTarget?> GetAsync(long deviceId, CancellationToken cancellationToken) => store.Push.GetAsync(deviceId, cancellationToken);

    public Task<bool> UnregisterAsync(long deviceId, CancellationToken cancellationToken) => store.Push.UnregisterAsync(deviceId, cancellationToken);

    public Task SetPreviewsAsync(long accountId, bool previews, CancellationToken cancellationToken) => store.Push.SetPreviewsAsync(accountId, previews, cancellationToken);

    public Task<bool> GetPreviewsAsync(long accountId, CancellationToken cancellationToken) => store.Push.GetPreviewsAsync(accountId, cancellationToken);

    /// <summary>A device connected and synced: what was queued for it up to that cursor would only repeat what the socket brought.</summary>
    public Task DeviceSyncedAsync(long deviceId, long syncedCursor, CancellationToken cancellationToken) =>
        store.Push.CancelForDeviceAsync(deviceId, syncedCursor, cancellationToken);
}
