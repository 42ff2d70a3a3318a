using System.Security.Cryptography;

namespace Roost.Core.Identity;

/// <summary>
/// AES-256-GCM for secrets that must be read back (TOTP seeds), plus HMAC keys derived from the same master key for
/// one-time codes and device keys. Stored form: version byte, 12-byte nonce, 16-byte tag, ciphertext. The account id is bound as
/// associated data, so a ciphertext copied to another account does not decrypt.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _encryptionKey;

    public SecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key is 32 bytes.", nameof(masterKey));
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost secrets v1"u8.ToArray());
        CodeKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost one-time codes v1"u8.ToArray());
        DeviceKeyKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost device keys v1"u8.ToArray());
        BusKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost bus v1"u8.ToArray());
        VapidSeed = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost vapid v1"u8.ToArray());
        MediaLinkKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "roost media links v1"u8.ToArray());
    }

    /// <summary>The key messages between nodes are signed with: only nodes holding the master key can speak on the bus.</summary>
    public byte[] BusKey { get; }

    /// <summary>The seed of the Web Push VAPID key pair: every node holding the master key has the same key, with nothing stored.</summary>
    public byte[] VapidSeed { get; }

    /// <summary>The key signed media links are made with (<see cref="Media.MediaLinks"/>): valid on every node holding the master key.</summary>
    public byte[] MediaLinkKey { get; }

    /// <summary>The key one-time codes are hashed with.</summary>
    public byte[] CodeKey { get; }

    /// <summary>The key device keys are signed with (<see cref="Sessions.DeviceKeys"/>).</summary>
    public byte[] DeviceKeyKey { get; }

    public byte[] Protect(ReadOnlySpan<byte> secret, long accountId)
    {
        var output = new byte[1 + NonceBytes + TagBytes + secret.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagBytes);
        aes.Encrypt(nonce, secret, output.AsSpan(1 + NonceBytes + TagBytes), output.AsSpan(1 + NonceBytes, TagBytes), AssociatedData(accountId));
        return output;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> protectedSecret, long accountId)
    {
        if (protectedSecret.Length < 1 + NonceBytes + TagBytes || protectedSecret[0] != Version)
        {
            throw new CryptographicException("The protected secret has an unknown format.");
        }

        var secret = new byte[protectedSecret.Length - 1 - NonceBytes - TagBytes];
        using var aes = new AesGcm(_encryptionKey, TagBytes);
        aes.Decrypt(protectedSecret.Slice(1, NonceBytes), protectedSecret[(1 + NonceBytes + TagBytes)..], protectedSecret.Slice(1 + NonceBytes, TagBytes), secret, AssociatedData(accountId));
        return secret;
    }

    private static byte[] AssociatedData(long accountId) => BitConverter.GetBytes(accountId);
}
