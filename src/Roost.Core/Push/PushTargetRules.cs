using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Roost.Core.Errors;

namespace Roost.Core.Push;

/// <summary>Which registrations are accepted, and how each is normalized.</summary>
public static class PushTargetRules
{
    /// <summary>APNs tokens are 32 bytes today; Apple says not to rely on the length, so up to 100 bytes are accepted.</summary>
    public const int MaxApnsTokenHexLength = 200;

    /// <summary>FCM registration tokens are about 160 characters; generous, but bounded.</summary>
    public const int MaxFcmTokenLength = 4096;

    /// <summary>Push services' endpoints are far shorter; a bound keeps the row and the log line small.</summary>
    public const int MaxEndpointLength = 2048;

    public static Outcome<PushTarget> Validate(NewPushTarget request, PushCapabilities capabilities, long accountId, long deviceId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(capabilities);
        return PushPlatforms.Parse(request.Platform) switch
        {
            PushPlatform.Apns => ValidateApns(request, capabilities, accountId, deviceId, now),
            PushPlatform.Fcm => ValidateFcm(request, capabilities, accountId, deviceId, now),
            PushPlatform.WebPush => ValidateWebPush(request, capabilities, accountId, deviceId, now),
            _ => RoostError.Validation("platform", "platform is apns, fcm or webpush."),
        };
    }

    private static Outcome<PushTarget> ValidateApns(NewPushTarget request, PushCapabilities capabilities, long accountId, long deviceId, DateTimeOffset now)
    {
        var token = request.Token?.Trim().ToLowerInvariant() ?? "";
        if (token.Length == 0 || token.Length > MaxApnsTokenHexLength || token.Length % 2 != 0 || !token.All(char.IsAsciiHexDigit))
        {
            return RoostError.Validation("token", "token is the APNs device token in hexadecimal.");
        }

        var sandbox = request.Environment switch
        {
            null or "production" => false,
            "sandbox" => true,
            _ => (bool?)null,
        };
        if (sandbox is null)
        {
            return RoostError.Validation("environment", "environment is production or sandbox.");
        }

        var topic = request.Topic ?? "";
        if (!capabilities.ApnsTopics.Contains(topic, StringComparer.Ordinal))
        {
            return NotConfigured(capabilities.ApnsTopics.Count == 0 ? "APNs is not configured on this server." : "This server has no APNs key for that topic.");
        }

        return new PushTarget(deviceId, accountId, PushPlatform.Apns, token, topic, sandbox.Value, request.Voip ?? false, null, null, now);
    }

    private static Outcome<PushTarget> ValidateFcm(NewPushTarget request, PushCapabilities capabilities, long accountId, long deviceId, DateTimeOffset now)
    {
        var token = request.Token ?? "";
        if (token.Length == 0 || token.Length > MaxFcmTokenLength || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.'))
        {
            return RoostError.Validation("token", "token is the FCM registration token.");
        }

        var project = request.ProjectId ?? (capabilities.FcmProjects.Count > 0 ? capabilities.FcmProjects[0] : "");
        if (!capabilities.FcmProjects.Contains(project, StringComparer.Ordinal))
        {
            return NotConfigured(capabilities.FcmProjects.Count == 0 ? "FCM is not configured on this server." : "This server has no service account for that project.");
        }

        return new PushTarget(deviceId, accountId, PushPlatform.Fcm, token, project, Sandbox: false, Voip: false, null, null, now);
    }

    private static Outcome<PushTarget> ValidateWebPush(NewPushTarget request, PushCapabilities capabilities, long accountId, long deviceId, DateTimeOffset now)
    {
        if (!capabilities.WebPush)
        {
            return NotConfigured("Web Push is not enabled on this server.");
        }

        if (request.Endpoint is not { Length: > 0 and <= MaxEndpointLength } endpoint
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Fragment))
        {
            return RoostError.Validation("endpoint", "endpoint is the subscription's absolute URL.");
        }

        if (CheckEndpoint(uri, capabilities.AllowPrivateEndpoints) is { } refused)
        {
            return new RoostError(Errors.ErrorKind.Validation, PushErrorCodes.EndpointNotAllowed, refused);
        }

        var p256dh = DecodeBase64Url(request.P256dh);
        if (p256dh is not { Length: 65 } || p256dh[0] != 0x04 || !IsPointOnCurve(p256dh))
        {
            return RoostError.Validation("keys.p256dh", "keys.p256dh is the subscription's P-256 public key (65 bytes, base64url).");
        }

        var auth = DecodeBase64Url(request.Auth);
        if (auth is not { Length: 16 })
        {
            return RoostError.Validation("keys.auth", "keys.auth is the subscription's 16-byte secret (base64url).");
        }

        return new PushTarget(deviceId, accountId, PushPlatform.WebPush, uri.AbsoluteUri, Origin(uri), Sandbox: false, Voip: false, p256dh, auth, now);
    }

    /// <summary>
    /// Why a Web Push endpoint is refused at registration, or null. Names that are addresses are checked here; the
    /// sender checks the address it actually connects to as well, so a name that resolves to a private address
    /// (DNS rebinding included) fails too.
    /// </summary>
    public static string? CheckEndpoint(Uri endpoint, bool allowPrivate)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (allowPrivate)
        {
            return endpoint.Scheme is "https" or "http" ? null : "The endpoint must be an https URL.";
        }

        if (endpoint.Scheme != "https")
        {
            return "The endpoint must be an https URL.";
        }

        // Push services listen on 443; any other port would let a client aim the server at other services.
        if (!endpoint.IsDefaultPort)
        {
            return "The endpoint must use the https port (443).";
        }

        var host = endpoint.IdnHost;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || !host.Contains('.', StringComparison.Ordinal))
        {
            return "The endpoint names a local host.";
        }

        if (IPAddress.TryParse(endpoint.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out _))
        {
            return "The endpoint must name a push service by host name, not an address.";
        }

        return null;
    }

    /// <summary>RFC 6454 origin: scheme, host, and the port unless it is the scheme's default (VAPID's audience).</summary>
    public static string Origin(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    private static RoostError NotConfigured(string message) =>
        new(ErrorKind.Validation, PushErrorCodes.PlatformNotConfigured, message);

    private static byte[]? DecodeBase64Url(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return null;
        }

        // Browsers give base64url without padding; some libraries add padding or use the standard alphabet.
        var normalized = text.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Base64Url.IsValid(normalized) ? Base64Url.DecodeFromChars(normalized) : null;
    }

    private static bool IsPointOnCurve(byte[] uncompressed)
    {
        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = uncompressed[1..33], Y = uncompressed[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
