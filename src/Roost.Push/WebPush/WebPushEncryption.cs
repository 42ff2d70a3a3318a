using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Roost.Push.WebPush;

/// <summary>
/// RFC 8291 message encryption with the RFC 8188 <c>aes128gcm</c> content coding: one record, keyed by an ephemeral
/// P-256 key agreed with the browser's <c>p256dh</c> key and mixed with its <c>auth</c> secret, so only that browser
/// can read the payload (the push service sees the length alone, which <c>padTo</c> can hide).
/// </summary>
public static class WebPushEncryption
{
    /// <summary>The record size written in the header: RFC 8030 services must accept bodies up to 4096 bytes.</summary>
    public const int RecordSize = 4096;

    /// <summary>salt(16) + rs(4) + idlen(1) + keyid(65).</summary>
    public const int HeaderLength = 86;

    public const int TagLength = 16;

    /// <summary>4096 − header − the padding delimiter − the tag: the most a single 4096-byte body can carry.</summary>
    public const int MaxPlaintextLength = RecordSize - HeaderLength - 1 - TagLength;

    private const int PublicKeyLength = 65;
    private const int AuthSecretLength = 16;
    private const int SaltLength = 16;
    private const byte LastRecordDelimiter = 0x02;

    /// <summary>
    /// The body for one push. <paramref name="padTo"/> pads shorter plaintexts with zeros to that length, so every push
    /// has the same size on the wire; a longer plaintext is sent unpadded.
    /// </summary>
    /// <exception cref="ArgumentException">The keys are not a P-256 point and a 16-byte secret, or the plaintext (or <paramref name="padTo"/>) exceeds <see cref="MaxPlaintextLength"/>.</exception>
    public static byte[] Encrypt(ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret, ReadOnlySpan<byte> plaintext, int padTo = 0)
    {
        using var sender = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Span<byte> salt = stackalloc byte[SaltLength];
        RandomNumberGenerator.Fill(salt);
        return Encrypt(userAgentPublicKey, authSecret, plaintext, padTo, sender, salt);
    }

    /// <summary>With a given sender key and salt: only for the RFC 8291 test vector (a reused salt and key would repeat the nonce).</summary>
    internal static byte[] Encrypt(
        ReadOnlySpan<byte> userAgentPublicKey,
        ReadOnlySpan<byte> authSecret,
        ReadOnlySpan<byte> plaintext,
        int padTo,
        ECDiffieHellman sender,
        ReadOnlySpan<byte> salt)
    {
        if (authSecret.Length != AuthSecretLength)
        {
            throw new ArgumentException("The auth secret must be 16 bytes.", nameof(authSecret));
        }

        if (plaintext.Length > MaxPlaintextLength)
        {
            throw new ArgumentException($"A Web Push payload holds at most {MaxPlaintextLength} bytes.", nameof(plaintext));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(padTo);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padTo, MaxPlaintextLength);
        if (salt.Length != SaltLength)
        {
            throw new ArgumentException("The salt must be 16 bytes.", nameof(salt));
        }

        using var userAgent = ImportPublicKey(userAgentPublicKey);
        Span<byte> senderPublicKey = stackalloc byte[PublicKeyLength];
        WritePublicKey(sender, senderPublicKey);
        var sharedSecret = sender.DeriveRawSecretAgreement(userAgent.PublicKey);

        // key_info = "WebPush: info" 0x00 || ua_public || as_public
        ReadOnlySpan<byte> infoLabel = "WebPush: info\0"u8;
        Span<byte> keyInfo = stackalloc byte[infoLabel.Length + (2 * PublicKeyLength)];
        infoLabel.CopyTo(keyInfo);
        userAgentPublicKey.CopyTo(keyInfo[infoLabel.Length..]);
        senderPublicKey.CopyTo(keyInfo[(infoLabel.Length + PublicKeyLength)..]);

        Span<byte> ikm = stackalloc byte[32];
        Span<byte> prk = stackalloc byte[32];
        Span<byte> contentKey = stackalloc byte[16];
        Span<byte> nonce = stackalloc byte[12];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, ikm, authSecret, keyInfo);
        HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt, prk);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, contentKey, "Content-Encoding: aes128gcm\0"u8);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, nonce, "Content-Encoding: nonce\0"u8);

        // The record's plaintext: the payload, the last-record delimiter, then zeros up to the padded length.
        var recordLength = Math.Max(plaintext.Length, padTo) + 1;
        var record = new byte[recordLength];
        plaintext.CopyTo(record);
        record[plaintext.Length] = LastRecordDelimiter;

        var body = new byte[HeaderLength + recordLength + TagLength];
        salt.CopyTo(body);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(SaltLength), RecordSize);
        body[SaltLength + 4] = PublicKeyLength;
        senderPublicKey.CopyTo(body.AsSpan(SaltLength + 5));
        try
        {
            using var aes = new AesGcm(contentKey, TagLength);
            aes.Encrypt(nonce, record, body.AsSpan(HeaderLength, recordLength), body.AsSpan(HeaderLength + recordLength, TagLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(contentKey);
            CryptographicOperations.ZeroMemory(record);
        }

        return body;
    }

    private static ECDiffieHellman ImportPublicKey(ReadOnlySpan<byte> point)
    {
        if (point.Length != PublicKeyLength || point[0] != 0x04)
        {
            throw new ArgumentException("The p256dh key must be a 65-byte uncompressed P-256 point.", nameof(point));
        }

        try
        {
            return ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33].ToArray(), Y = point[33..].ToArray() },
            });
        }
        catch (CryptographicException exception)
        {
            // Not a point on the curve: a forged or corrupted subscription.
            throw new ArgumentException("The p256dh key is not a point on P-256.", nameof(point), exception);
        }
    }

    private static void WritePublicKey(ECDiffieHellman key, Span<byte> destination)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        destination[0] = 0x04;
        parameters.Q.X!.CopyTo(destination[1..]);
        parameters.Q.Y!.CopyTo(destination[33..]);
    }
}
