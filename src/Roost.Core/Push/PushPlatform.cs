namespace Roost.Core.Push;

/// <summary>The push services a device can register with.</summary>
public enum PushPlatform
{
    /// <summary>Apple Push Notification service: a hex device token for one app (topic = bundle id).</summary>
    Apns = 1,

    /// <summary>Firebase Cloud Messaging HTTP v1: a registration token for one Firebase project.</summary>
    Fcm = 2,

    /// <summary>Web Push (RFC 8030/8291/8292): a browser's subscription endpoint and keys.</summary>
    WebPush = 3,
}

/// <summary>The names platforms have on the wire and in settings.</summary>
public static class PushPlatforms
{
    public const string Apns = "apns";
    public const string Fcm = "fcm";
    public const string WebPush = "webpush";

    public static string Name(PushPlatform platform) => platform switch
    {
        PushPlatform.Apns => Apns,
        PushPlatform.Fcm => Fcm,
        PushPlatform.WebPush => WebPush,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, null),
    };

    public static PushPlatform? Parse(string? name) => name switch
    {
        Apns => PushPlatform.Apns,
        Fcm => PushPlatform.Fcm,
        WebPush => PushPlatform.WebPush,
        _ => null,
    };
}
