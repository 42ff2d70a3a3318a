using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    /// <summary>Sets where this session's pushes go (APNs, FCM or Web Push), replacing the target it had.</summary>
    public Task<PushTargetResponse> SetPushTargetAsync(PushTargetRequest target, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/push/target", target, RoostJsonContext.Default.PushTargetRequest, RoostJsonContext.Default.PushTargetResponse, cancellationToken);

    public Task<PushTargetResponse> GetPushTargetAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/push/target", RoostJsonContext.Default.PushTargetResponse, cancellationToken);

    public Task DeletePushTargetAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "v1/push/target", cancellationToken);

    public Task<VapidKeyResponse> GetVapidKeyAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/push/vapid-key", RoostJsonContext.Default.VapidKeyResponse, cancellationToken);

    /// <summary>Opts this account in to (or out of) message previews in its pushes.</summary>
    public Task<PushSettingsResponse> SetPushPreviewsAsync(bool previews, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/push/settings", new PushSettingsRequest(previews), RoostJsonContext.Default.PushSettingsRequest, RoostJsonContext.Default.PushSettingsResponse, cancellationToken);

    public Task<AdminPushResponse> GetAdminPushAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/admin/push", RoostJsonContext.Default.AdminPushResponse, cancellationToken);
}
