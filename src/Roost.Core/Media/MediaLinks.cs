using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Roost.Core.Media;

/// <summary>
/// Short-lived signed URLs for one file of one media item, for clients that cannot send a Bearer header
/// (<c>&lt;img src&gt;</c>, <c>&lt;video src&gt;</c>, a download manager). A link names the account it was made for;
/// the server verifies the signature and then authorizes that account on every request as if it had sent its token,
/// so a member who leaves loses access at once even with a link in hand.
/// </summary>
public static class MediaLinks
{
    /// <summary>The query parameters of a link.</summary>
    public const string ExpiresParameter = "expires";

    public const string AccountParameter = "account";

    public const string SignatureParameter = "signature";

    private const int SignatureBytes = 32;

    /// <summary>
    /// The expiry of a link made at <paramref name="now"/>: rounded to a quarter of the lifetime, so every link made in
    /// the same quarter is the same URL (a browser caches it) and still has at least three quarters of its life.
    /// </summary>
    public static long ExpiresAt(DateTimeOffset now, TimeSpan lifetime)
    {
        var step = Math.Max(1, (long)lifetime.TotalSeconds / 4);
        var seconds = now.ToUnixTimeSeconds();
        return (seconds - (seconds % step)) + (long)lifetime.TotalSeconds;
    }

    /// <summary>The base64url HMAC-SHA256 of (media, role, account, expiry) under the server's link key.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string mediaId, string role, long accountId, long expiresAt) =>
        Base64Url(Mac(key, mediaId, role, accountId, expiresAt));

    /// <summary>The query string (without '?') of a signed link.</summary>
    public static string Query(ReadOnlySpan<byte> key, string mediaId, string role, long accountId, long expiresAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{ExpiresParameter}={expiresAt}&{AccountParameter}={accountId}&{SignatureParameter}={Sign(key, mediaId, role, accountId, expiresAt)}");

    /// <summary>Checks a link's parameters as they came in the query string.</summary>
    public static MediaLinkCheck Verify(ReadOnlySpan<byte> key, string mediaId, string role, string? expires, string? account, string? signature, DateTimeOffset now)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || !long.TryParse(account, NumberStyles.None, CultureInfo.InvariantCulture, out var accountId)
            || signature is null || !TryDecodeBase64Url(signature, out var given))
        {
            return MediaLinkCheck.Invalid;
        }

        // The signature first: an expiry is only news once it is known to be ours.
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(key, mediaId, role, accountId, expiresAt)))
        {
            return MediaLinkCheck.Invalid;
        }

        return now.ToUnixTimeSeconds() < expiresAt ? MediaLinkCheck.Valid(accountId) : MediaLinkCheck.Expired;
    }

    private static byte[] Mac(ReadOnlySpan<byte> key, string mediaId, string role, long accountId, long expiresAt)
    {
        // Fields joined by '\n', which none of them can contain (ids are hex, roles are fixed, numbers are digits).
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"roost-media-link-v1\n{mediaId}\n{role}\n{accountId}\n{expiresAt}"));
        return HMACSHA256.HashData(key, message);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != 43 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        bytes = Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + "=");
        return bytes.Length == SignatureBytes;
    }
}

/// <summary>What a link's check found: valid for <see cref="AccountId"/>, expired, or not a link of this server.</summary>
public readonly record struct MediaLinkCheck(MediaLinkStatus Status, long AccountId)
{
    public static MediaLinkCheck Invalid => new(MediaLinkStatus.Invalid, 0);

    public static MediaLinkCheck Expired => new(MediaLinkStatus.Expired, 0);

    public static MediaLinkCheck Valid(long accountId) => new(MediaLinkStatus.Valid, accountId);
}

public enum MediaLinkStatus
{
    Invalid,
    Expired,
    Valid,
}
