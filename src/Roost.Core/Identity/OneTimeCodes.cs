using System.Security.Cryptography;
using System.Text;

namespace Roost.Core.Identity;

/// <summary>Six-digit codes sent by SMS, and single-use recovery codes. Only keyed hashes of either are stored.</summary>
public static class OneTimeCodes
{
    public const int Digits = 6;
    public const int RecoveryCodeCount = 10;
    private const string RecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i

    public static string NewNumericCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Ten codes of the form <c>xxxx-xxxx-xx</c> (about 50 bits each).</summary>
    public static IReadOnlyList<string> NewRecoveryCodes()
    {
        var codes = new List<string>(RecoveryCodeCount);
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            var chars = new char[10];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = RecoveryAlphabet[RandomNumberGenerator.GetInt32(RecoveryAlphabet.Length)];
            }

            var code = new string(chars);
            codes.Add($"{code[..4]}-{code[4..8]}-{code[8..]}");
        }

        return codes;
    }

    /// <summary>Recovery codes are compared without dashes, spaces or case.</summary>
    public static string NormalizeRecoveryCode(string code) =>
        new(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    /// <summary>HMAC-SHA256 with the server's key: a stolen database alone cannot brute-force six digits offline.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> key, string purpose, string code) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + ":" + code));

    public static bool Matches(ReadOnlySpan<byte> key, string purpose, string code, ReadOnlySpan<byte> storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(key, purpose, code), storedHash);
}
