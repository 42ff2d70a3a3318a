using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Roost.Core.Identity;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP). Roost issues SHA-1, 6 digits, 30-second steps (what
/// authenticator apps expect); the algorithm and digit count are parameters for the RFC's test vectors.
/// </summary>
public static class Totp
{
    public const int SecretBytes = 20;
    public const int DefaultDigits = 6;
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    public static string Compute(ReadOnlySpan<byte> secret, long step, int digits = DefaultDigits, HashAlgorithmName? algorithm = null)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[64];
        var name = algorithm ?? HashAlgorithmName.SHA1;
        int length;
        if (name == HashAlgorithmName.SHA256)
        {
            length = HMACSHA256.HashData(secret, counter, hash);
        }
        else if (name == HashAlgorithmName.SHA512)
        {
            length = HMACSHA512.HashData(secret, counter, hash);
        }
        else
        {
#pragma warning disable CA5350 // RFC 6238's default; authenticator apps expect it, and HMAC-SHA1 is not weakened by SHA-1 collisions.
            length = HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        }

        // Dynamic truncation (RFC 4226 section 5.3).
        var offset = hash[length - 1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulus = 1;
        for (var i = 0; i < digits; i++)
        {
            modulus *= 10;
        }

        return (binary % modulus).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The step whose code matches <paramref name="code"/> within ±1 step of <paramref name="now"/> and is newer than
    /// <paramref name="lastUsedStep"/> (each code works once), or null. Compared in constant time.
    /// </summary>
    public static long? Verify(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now, long lastUsedStep)
    {
        if (code is null || code.Length != DefaultDigits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var current = StepAt(now);
        long? matched = null;
        for (var step = current - 1; step <= current + 1; step++)
        {
            var expected = Compute(secret, step);
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(code)) && FactorRules.IsUnusedStep(lastUsedStep, step))
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>The enrolment URI authenticator apps read (Key URI Format).</summary>
    public static string EnrolmentUri(string issuer, string accountName, ReadOnlySpan<byte> secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}?secret={Base32.Encode(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={DefaultDigits}&period={(int)Step.TotalSeconds}";
}
