using System.Security.Cryptography;

namespace Roost.Core.Media;

/// <summary>The tus checksum extension: a client sends the digest of each PATCH body, and a body that differs is refused.</summary>
public static class TusChecksum
{
    /// <summary>
    /// Reads <c>Upload-Checksum: algorithm base64digest</c>. The algorithm is matched case-insensitively and returned in
    /// lower case; the digest must be strict Base64 of the algorithm's length.
    /// </summary>
    public static bool TryParse(string? header, out string algorithm, out byte[] digest, out TusChecksumProblem problem)
    {
        algorithm = "";
        digest = [];
        var parts = header?.Split(' ');
        if (parts is not [{ Length: > 0 } name, { Length: > 0 } encoded])
        {
            problem = TusChecksumProblem.Malformed;
            return false;
        }

        var normalized = name.ToLowerInvariant();
        if (DigestLength(normalized) is not { } length)
        {
            problem = TusChecksumProblem.UnsupportedAlgorithm;
            return false;
        }

        if (!StrictBase64.TryDecode(encoded, out var bytes) || bytes.Length != length)
        {
            problem = TusChecksumProblem.Malformed;
            return false;
        }

        (algorithm, digest, problem) = (normalized, bytes, TusChecksumProblem.None);
        return true;
    }

    /// <summary>A hash to feed the body into as it streams to storage, for an algorithm <see cref="TryParse"/> accepted.</summary>
    public static IncrementalHash CreateHash(string algorithm) => algorithm?.ToLowerInvariant() switch
    {
        "sha1" => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
        "sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        _ => throw new ArgumentException($"'{algorithm}' is not a tus checksum algorithm Roost supports.", nameof(algorithm)),
    };

    /// <summary>Compares in constant time, so the answer's timing says nothing about how much of a digest was right.</summary>
    public static bool Matches(byte[] expected, ReadOnlySpan<byte> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>SHA-1 is offered only because tus clients send it; it guards against corruption, not against an attacker.</summary>
    private static int? DigestLength(string algorithm) => algorithm switch
    {
        "sha1" => 20,
        "sha256" => 32,
        _ => null,
    };
}
