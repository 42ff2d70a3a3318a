using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Roost.Core.Sessions;

/// <summary>
/// Opaque bearer tokens: a recognisable prefix (so secret scanners can find leaked ones) and
/// 256 random bits in base64url. Only the SHA-256 of the whole token is stored.
/// </summary>
public static class SessionToken
{
    public const string Prefix = "roost_";
    private const int RandomBytes = 32;
    private static readonly int EncodedLength = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>A cheap shape check so garbage never reaches the store.</summary>
    public static bool IsWellFormed(string? token) =>
        token is not null
        && token.Length == EncodedLength
        && token.StartsWith(Prefix, StringComparison.Ordinal)
        && Base64Url.IsValid(token.AsSpan(Prefix.Length));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
