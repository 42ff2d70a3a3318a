using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Roost.Testing.Push;

/// <summary>
/// The user agent's side of RFC 8291: reads an <c>aes128gcm</c> (RFC 8188) body with the subscription's private key and
/// auth secret. Written apart from the sender's encryption, so the two check each other.
/// </summary>
public static class WebPushDecryption
{
    private const int SaltLength = 16;
    private const int HeaderFixedLength = SaltLength + 4 + 1;
    private const int PointLength = 65;
    private const int TagLength = 16;

    /// <summary>The plaintext, padding and delimiter removed.</summary>
    /// <exception cref="FormatException">The body is not one well-formed aes128gcm record.</exception>
    /// <exception cref="CryptographicException">It was not encrypted for this key and secret.</exception>
    public static byte[] Decrypt(ECDiffieHellman userAgent, ReadOnlySpan<byte> authSecret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        if (body.Length < HeaderFixedLength)
        {
            throw new FormatException("The body is shorter than an aes128gcm header.");
        }

        var salt = body[..SaltLength];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body[SaltLength..]);
        int keyIdLength = body[SaltLength + 4];
        if (keyIdLength != PointLength || body.Length < HeaderFixedLength + keyIdLength)
        {
            throw new FormatException("RFC 8291 requires the key id to be the sender's 65-byte public key.");
        }

        var senderPoint = body.Slice(HeaderFixedLength, keyIdLength);
        var record = body[(HeaderFixedLength + keyIdLength)..];

        // One record only: a body longer than the record size would be a second record.
        if (recordSize < TagLength + 2 || record.Length < TagLength + 1 || record.Length > recordSize)
        {
            throw new FormatException("A Web Push message is exactly one record.");
        }

        using var sender = ImportPoint(senderPoint);
        var userAgentPoint = ExportPoint(userAgent);
        var sharedSecret = userAgent.DeriveRawSecretAgreement(sender.PublicKey);

        byte[] keyInfo = [.. "WebPush: info\0"u8, .. userAgentPoint, .. senderPoint];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, authSecret.ToArray(), keyInfo);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt.ToArray());
        var contentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

        var padded = new byte[record.Length - TagLength];
        using (var aes = new AesGcm(contentKey, TagLength))
        {
            aes.Decrypt(nonce, record[..^TagLength], record[^TagLength..], padded);
        }

        // The plaintext ends at the last non-zero byte, which must be the last-record delimiter 0x02.
        var delimiter = Array.FindLastIndex(padded, b => b != 0);
        if (delimiter < 0 || padded[delimiter] != 0x02)
        {
            throw new FormatException("The record does not end with the last-record delimiter.");
        }

        return padded[..delimiter];
    }

    /// <summary>The uncompressed point 0x04 || X || Y of a P-256 key.</summary>
    public static byte[] ExportPoint(ECDiffieHellman key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    private static ECDiffieHellman ImportPoint(ReadOnlySpan<byte> point)
    {
        if (point[0] != 0x04)
        {
            throw new FormatException("The sender's key is not an uncompressed point.");
        }

        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33].ToArray(), Y = point[33..].ToArray() },
        });
    }
}
