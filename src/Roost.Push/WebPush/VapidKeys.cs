using System.Buffers.Text;
using System.Security.Cryptography;

namespace Roost.Push.WebPush;

/// <summary>
/// The server's VAPID key pair (RFC 8292): P-256, signing the ES256 tokens push services check. Browsers are given
/// <see cref="PublicKeyBase64Url"/> as <c>applicationServerKey</c>, and a subscription made with it only accepts pushes
/// signed by this key, so the key must stay the same for as long as subscriptions live.
/// </summary>
public sealed class VapidKeys : IDisposable
{
    private const int ScalarLength = 32;

    // The order n of P-256: a private scalar d must satisfy 1 <= d < n.
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    private readonly ECDsa _key;
    private readonly byte[] _publicKey;

    private VapidKeys(ECDsa key)
    {
        _key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);
        _publicKey = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        PublicKeyBase64Url = Base64Url.EncodeToString(_publicKey);
    }

    /// <summary>The 65-byte uncompressed point (0x04 || X || Y).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The public key as browsers and the <c>k=</c> parameter take it: base64url, no padding.</summary>
    public string PublicKeyBase64Url { get; }

    /// <summary>A fresh random key pair.</summary>
    public static VapidKeys Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>From the 32-byte big-endian private scalar (what <see cref="ExportPrivateKey"/> gives).</summary>
    public static VapidKeys FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != ScalarLength || !IsValidScalar(privateKey))
        {
            throw new ArgumentException("A VAPID private key is a 32-byte P-256 scalar between 1 and n - 1.", nameof(privateKey));
        }

        // Only D: the platform computes the public point from it.
        return new(ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey.ToArray() }));
    }

    /// <summary>From a PEM private key: PKCS#8 (<c>BEGIN PRIVATE KEY</c>) or SEC1 (<c>BEGIN EC PRIVATE KEY</c>), on P-256.</summary>
    public static VapidKeys FromPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.D is null || !parameters.Curve.IsNamed || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new ArgumentException("A VAPID key must be a P-256 private key.", nameof(pem));
            }

            CryptographicOperations.ZeroMemory(parameters.D);
            return new(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same key on every node from a secret they share (a 32-byte seed the server derives from its master key), so a
    /// cluster needs nothing stored: d = HKDF-Expand(seed, "roost vapid v1" || counter), the first candidate in range.
    /// </summary>
    public static VapidKeys Derive(ReadOnlySpan<byte> seed)
    {
        if (seed.Length < ScalarLength)
        {
            throw new ArgumentException("The VAPID seed must be at least 32 bytes.", nameof(seed));
        }

        ReadOnlySpan<byte> label = "roost vapid v1"u8;
        Span<byte> info = stackalloc byte[label.Length + 1];
        label.CopyTo(info);
        Span<byte> candidate = stackalloc byte[ScalarLength];
        try
        {
            // A candidate is out of range with probability about 2^-32; 256 tries never all fail in practice.
            for (var counter = 0; counter <= byte.MaxValue; counter++)
            {
                info[^1] = (byte)counter;
                HKDF.Expand(HashAlgorithmName.SHA256, seed, candidate, info);
                if (IsValidScalar(candidate))
                {
                    return FromPrivateKey(candidate);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }

        throw new CryptographicException("No valid P-256 scalar could be derived from the seed.");
    }

    /// <summary>The 32-byte private scalar. A secret: never log it.</summary>
    public byte[] ExportPrivateKey() => _key.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>The private key as PKCS#8 PEM. A secret: never log it.</summary>
    public string ExportPkcs8Pem() => _key.ExportPkcs8PrivateKeyPem();

    public void Dispose() => _key.Dispose();

    /// <summary>An ES256 signature (JWS: the raw 64-byte r || s).</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    private static bool IsValidScalar(ReadOnlySpan<byte> scalar) =>
        scalar.IndexOfAnyExcept((byte)0) >= 0 && scalar.SequenceCompareTo(Order) < 0;
}
