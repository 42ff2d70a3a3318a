using System.Security.Cryptography;

namespace Roost.Core.Sessions;

/// <summary>
/// Device keys (OWASP's "device cookie"): a successful log-in hands the client a random id with an HMAC that binds it
/// to the account and to its current password hash, keyed from the identity master key
/// (<see cref="Identity.SecretProtector.DeviceKeyKey"/>). A later log-in of that account presenting it comes from a
/// device that signed in before, and is not locked out by other people's guesses. Nothing is stored; a key stays valid
/// until the password hash changes (a password change, which ends every key, or an iteration-upgrade rehash, after
/// which the log-in that rehashed hands out a fresh key) or the master key changes, and is worth nothing without the
/// password.
/// </summary>
public sealed class DeviceKeys(byte[] key)
{
    private const string Prefix = "dk1_";
    private const int IdBytes = 16;
    private const int MacBytes = 16;
    private static readonly int EncodedLength = Prefix.Length + Base64UrlLength(IdBytes + MacBytes);

    /// <param name="passwordHash">The account's stored password hash ("" for an account without a password).</param>
    public string Create(long accountId, string passwordHash)
    {
        var bytes = new byte[IdBytes + MacBytes];
        RandomNumberGenerator.Fill(bytes.AsSpan(0, IdBytes));
        Mac(accountId, passwordHash, bytes.AsSpan(0, IdBytes), bytes.AsSpan(IdBytes));
        return Prefix + System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// The key's id when <paramref name="deviceKey"/> was made for <paramref name="accountId"/> while its password hash
    /// was <paramref name="passwordHash"/>; null otherwise.
    /// </summary>
    public string? Verify(string? deviceKey, long accountId, string passwordHash)
    {
        ArgumentNullException.ThrowIfNull(passwordHash);
        if (deviceKey is null || deviceKey.Length != EncodedLength || !deviceKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[IdBytes + MacBytes];
        // DecodeFromChars reports invalid text as a status; TryDecodeFromChars throws on it (a client's malformed key
        // must be a refusal, never a 500).
        var status = System.Buffers.Text.Base64Url.DecodeFromChars(deviceKey.AsSpan(Prefix.Length), bytes, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(accountId, passwordHash, bytes[..IdBytes], expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[IdBytes..])
            ? Convert.ToHexString(bytes[..IdBytes])
            : null;
    }

    private void Mac(long accountId, string passwordHash, ReadOnlySpan<byte> id, Span<byte> destination)
    {
        // The hash is digested (fixed length, and the MAC input never holds the hash itself); an account without a
        // password gets a fixed marker that no SHA-256 of a stored hash can equal.
        Span<byte> input = stackalloc byte[sizeof(long) + IdBytes + SHA256.HashSizeInBytes];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(input, accountId);
        id.CopyTo(input[sizeof(long)..]);
        var passwordPart = input[(sizeof(long) + IdBytes)..];
        if (passwordHash.Length == 0)
        {
            passwordPart.Clear();
        }
        else
        {
            SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passwordHash), passwordPart);
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, input, mac);
        mac[..MacBytes].CopyTo(destination);
    }

    private static int Base64UrlLength(int bytes) => ((bytes * 4) + 2) / 3;
}
