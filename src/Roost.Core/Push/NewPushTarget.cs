namespace Roost.Core.Push;

/// <summary>A registration as the client sent it; <see cref="PushTargetRules.Validate"/> turns it into a <see cref="PushTarget"/>.</summary>
/// <param name="Platform">apns, fcm or webpush.</param>
/// <param name="Token">APNs device token (hex) or FCM registration token.</param>
/// <param name="Topic">APNs: the app's bundle id.</param>
/// <param name="Environment">APNs: production (default) or sandbox.</param>
/// <param name="ProjectId">FCM: the Firebase project (default: the one configured).</param>
/// <param name="Endpoint">Web Push: the subscription's endpoint.</param>
/// <param name="P256dh">Web Push: keys.p256dh, base64url.</param>
/// <param name="Auth">Web Push: keys.auth, base64url.</param>
public sealed record NewPushTarget(
    string? Platform,
    string? Token = null,
    string? Topic = null,
    string? Environment = null,
    bool? Voip = null,
    string? ProjectId = null,
    string? Endpoint = null,
    string? P256dh = null,
    string? Auth = null);

/// <summary>What this server can push to, from its settings: registrations for anything else are refused up front.</summary>
/// <param name="ApnsTopics">Bundle ids the configured APNs key may send for (empty: APNs is off).</param>
/// <param name="FcmProjects">Firebase projects with a service account (empty: FCM is off); the first is the default.</param>
/// <param name="WebPush">Whether Web Push is on.</param>
/// <param name="AllowPrivateEndpoints">Tests only: Web Push endpoints on loopback or private addresses, over http.</param>
public sealed record PushCapabilities(IReadOnlyList<string> ApnsTopics, IReadOnlyList<string> FcmProjects, bool WebPush, bool AllowPrivateEndpoints = false)
{
    public static readonly PushCapabilities None = new([], [], WebPush: false);
}
