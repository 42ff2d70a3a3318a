using System.Diagnostics.CodeAnalysis;
using Roost.Core.Push;

namespace Roost.Push.WebPush;

/// <summary>What a subscription endpoint must look like, and its origin (the VAPID audience and the push partition).</summary>
public static class WebPushEndpoint
{
    /// <summary>Longer endpoints are refused: real push services use a few hundred characters.</summary>
    public const int MaxLength = PushTargetRules.MaxEndpointLength;

    /// <summary>
    /// An absolute https URL (http only when <paramref name="allowHttp"/>, for tests) with a host and no user info: the
    /// only endpoints a browser's push service hands out.
    /// </summary>
    public static bool TryParse(string? endpoint, bool allowHttp, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(endpoint) || endpoint.Length > MaxLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed)
            || !(parsed.Scheme == Uri.UriSchemeHttps || (allowHttp && parsed.Scheme == Uri.UriSchemeHttp))
            || parsed.Host.Length == 0 || parsed.UserInfo.Length != 0)
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    /// <summary>The origin (RFC 6454), as registration computed it for the target: the VAPID audience and the push partition.</summary>
    public static string Origin(Uri endpoint) => PushTargetRules.Origin(endpoint);
}
