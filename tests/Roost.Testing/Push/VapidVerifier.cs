using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Roost.Testing.Push;

/// <summary>The VAPID claims of a verified token.</summary>
/// <param name="PublicKey">The <c>k=</c> key, base64url.</param>
public sealed record VapidClaims(string Audience, DateTimeOffset Expires, string Subject, string PublicKey);

/// <summary>A check of an <c>Authorization: vapid</c> header: the claims, or the status a push service answers.</summary>
public sealed record VapidCheck(VapidClaims? Claims, int Status, string Problem)
{
    public static VapidCheck Refused(int status, string problem) => new(null, status, problem);
}

/// <summary>
/// A push service's side of RFC 8292: the ES256 signature with the <c>k=</c> key, the audience (the service's own
/// origin, port included), an expiry in the future and at most 24 hours away, and a contact.
/// </summary>
public static class VapidVerifier
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public static VapidCheck Verify(string? authorization, string audience, DateTimeOffset now)
    {
        // 401: no credentials at all; 403: credentials that do not hold (RFC 8292 §4.2).
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("vapid ", StringComparison.OrdinalIgnoreCase))
        {
            return VapidCheck.Refused(401, "no vapid authorization");
        }

        string? token = null;
        string? key = null;
        foreach (var part in authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return VapidCheck.Refused(401, "malformed vapid parameter");
            }

            var (name, value) = (part[..equals].Trim(), part[(equals + 1)..].Trim());
            if (name.Equals("t", StringComparison.OrdinalIgnoreCase))
            {
                token = value;
            }
            else if (name.Equals("k", StringComparison.OrdinalIgnoreCase))
            {
                key = value;
            }
        }

        if (token is null || key is null)
        {
            return VapidCheck.Refused(401, "vapid needs t= and k=");
        }

        try
        {
            return VerifyToken(token, key, audience, now);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or CryptographicException or InvalidOperationException or KeyNotFoundException)
        {
            return VapidCheck.Refused(403, "unreadable token or key: " + exception.GetType().Name);
        }
    }

    private static VapidCheck VerifyToken(string token, string key, string audience, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return VapidCheck.Refused(403, "not a JWS compact token");
        }

        using (var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
        {
            if (header.RootElement.GetProperty("alg").GetString() != "ES256")
            {
                return VapidCheck.Refused(403, "alg is not ES256");
            }
        }

        var point = Base64Url.DecodeFromChars(key);
        if (point.Length != 65 || point[0] != 0x04)
        {
            return VapidCheck.Refused(403, "k is not an uncompressed P-256 point");
        }

        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!verifier.VerifyData(signed, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return VapidCheck.Refused(403, "bad signature");
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        var aud = root.GetProperty("aud").GetString();
        if (aud != audience)
        {
            return VapidCheck.Refused(403, $"aud {aud} is not {audience}");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
        if (expires <= now || expires > now + MaxLifetime)
        {
            return VapidCheck.Refused(403, "exp is past or more than 24 h ahead");
        }

        var sub = root.TryGetProperty("sub", out var subject) ? subject.GetString() : null;
        if (sub is null || !(sub.StartsWith("mailto:", StringComparison.Ordinal) || sub.StartsWith("https:", StringComparison.Ordinal)))
        {
            return VapidCheck.Refused(403, "sub is not a mailto: or https: contact");
        }

        return new VapidCheck(new VapidClaims(aud, expires, sub, key), 0, "");
    }
}
