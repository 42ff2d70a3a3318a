using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Roost.Testing.Push;

/// <summary>A refusal as APNs gives it: the status and the <c>reason</c> of its JSON body.</summary>
internal readonly record struct ApnsRefusal(int Status, string Reason);

/// <summary>What APNs checks in one request, in the order the receiver applies it: provider token, headers, device token, payload.</summary>
internal sealed class ApnsRequestChecks(string teamId, string keyId, ECDsa publicKey, IEnumerable<string> topics)
{
    public const int MaxPayloadBytes = 4096;
    public const int MaxVoipPayloadBytes = 5120;

    private static readonly FrozenSet<string> PushTypes = FrozenSet.Create(
        StringComparer.Ordinal, "alert", "background", "voip", "complication", "fileprovider", "mdm", "location", "liveactivity", "pushtotalk", "widgets", "controls");

    private readonly FrozenSet<string> _topics = topics.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The provider token of <c>authorization: bearer …</c>, or why APNs would refuse it.</summary>
    public ApnsRefusal? ProviderToken(string? authorization, DateTimeOffset now, out string? token)
    {
        token = null;
        if (string.IsNullOrEmpty(authorization))
        {
            return new(403, "MissingProviderToken");
        }

        const string scheme = "bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return new(403, "InvalidProviderToken");
        }

        token = authorization[scheme.Length..].Trim();
        if (!ReceivedJwt.TryParse(token, out var jwt) || jwt.HeaderText("alg") != "ES256" || jwt.HeaderText("kid") != keyId
            || jwt.ClaimText("iss") != teamId || jwt.ClaimSeconds("iat") is not { } iat
            || !publicKey.VerifyData(jwt.SignedBytes, jwt.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return new(403, "InvalidProviderToken");
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (now - issued > TimeSpan.FromHours(1))
        {
            return new(403, "ExpiredProviderToken");
        }

        return issued - now > TimeSpan.FromMinutes(1) ? new(403, "InvalidProviderToken") : null;
    }

    public ApnsRefusal? Headers(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (header.Key.StartsWith("apns-", StringComparison.OrdinalIgnoreCase) && header.Value.Count > 1)
            {
                return new(400, "DuplicateHeaders");
            }
        }

        var topic = headers["apns-topic"].ToString();
        if (topic.Length == 0)
        {
            return new(400, "MissingTopic");
        }

        var voipTopic = topic.EndsWith(".voip", StringComparison.Ordinal);
        if (!_topics.Contains(voipTopic ? topic[..^".voip".Length] : topic))
        {
            return new(400, "BadTopic");
        }

        // A VoIP push goes to the .voip topic and only there.
        var pushType = headers["apns-push-type"].ToString();
        if ((pushType.Length > 0 && !PushTypes.Contains(pushType)) || (pushType == "voip") != voipTopic)
        {
            return new(400, "InvalidPushType");
        }

        if (headers["apns-priority"].ToString() is { Length: > 0 } priority && priority is not ("1" or "5" or "10"))
        {
            return new(400, "BadPriority");
        }

        if (headers["apns-expiration"].ToString() is { Length: > 0 } expiration && (!long.TryParse(expiration, out var seconds) || seconds < 0))
        {
            return new(400, "BadExpirationDate");
        }

        if (Encoding.UTF8.GetByteCount(headers["apns-collapse-id"].ToString()) > 64)
        {
            return new(400, "BadCollapseId");
        }

        return headers["apns-id"].ToString() is { Length: > 0 } id && !IsCanonicalUuid(id) ? new(400, "BadMessageId") : null;
    }

    public static ApnsRefusal? DeviceToken(string token)
    {
        if (token.Length == 0)
        {
            return new(400, "MissingDeviceToken");
        }

        return token.Length % 2 != 0 || !token.All(char.IsAsciiHexDigit) ? new(400, "BadDeviceToken") : null;
    }

    public static ApnsRefusal? Payload(byte[] body, bool voip)
    {
        if (body.Length > (voip ? MaxVoipPayloadBytes : MaxPayloadBytes))
        {
            return new(413, "PayloadTooLarge");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("aps", out var aps) && aps.ValueKind == JsonValueKind.Object
                ? null
                : new(400, "PayloadEmpty");
        }
        catch (JsonException)
        {
            return new(400, "PayloadEmpty");
        }
    }

    private static bool IsCanonicalUuid(string id) => Guid.TryParseExact(id, "D", out _) && id.Equals(id.ToLowerInvariant(), StringComparison.Ordinal);
}
