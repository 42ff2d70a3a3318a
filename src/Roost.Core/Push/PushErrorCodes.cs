namespace Roost.Core.Push;

/// <summary>Stable error codes of the push endpoints.</summary>
public static class PushErrorCodes
{
    /// <summary>The platform is known but this server has no credentials for it (or for that APNs topic / FCM project).</summary>
    public const string PlatformNotConfigured = "push_platform_not_configured";

    /// <summary>A Web Push endpoint that is not https, or names a private, loopback or link-local address.</summary>
    public const string EndpointNotAllowed = "push_endpoint_not_allowed";
}
