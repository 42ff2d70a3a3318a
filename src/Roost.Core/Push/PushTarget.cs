namespace Roost.Core.Push;

/// <summary>
/// Where pushes for one device (session) go. One per device: registering again replaces it.
/// </summary>
/// <param name="Token">APNs: the device token (lowercase hex). FCM: the registration token. Web Push: the subscription endpoint URL.</param>
/// <param name="App">APNs: the topic (bundle id). FCM: the Firebase project id. Web Push: the endpoint's origin.</param>
/// <param name="Sandbox">APNs only: the development environment (api.sandbox.push.apple.com).</param>
/// <param name="Voip">APNs only: a PushKit VoIP token (topic gets the <c>.voip</c> suffix, push type <c>voip</c>).</param>
/// <param name="P256dh">Web Push only: the browser's 65-byte uncompressed P-256 public key.</param>
/// <param name="Auth">Web Push only: the browser's 16-byte authentication secret.</param>
public sealed record PushTarget(
    long DeviceId,
    long AccountId,
    PushPlatform Platform,
    string Token,
    string App,
    bool Sandbox,
    bool Voip,
    byte[]? P256dh,
    byte[]? Auth,
    DateTimeOffset RegisteredAt)
{
    /// <summary>Where this target's traffic goes, for the breakers and limits: one broken app or push service stops only its own.</summary>
    public PushPartition Partition => PushPartition.Of(this);
}

/// <summary>
/// A slice of push traffic with its own breaker and rate limit: an APNs topic in one environment, an FCM project, or
/// a Web Push service's origin.
/// </summary>
public readonly record struct PushPartition(PushPlatform Platform, string Key)
{
    public static PushPartition Of(PushTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Platform switch
        {
            PushPlatform.Apns => new(PushPlatform.Apns, (target.Sandbox ? "sandbox/" : "production/") + target.App),
            _ => new(target.Platform, target.App),
        };
    }

    public override string ToString() => PushPlatforms.Name(Platform) + ":" + Key;
}
