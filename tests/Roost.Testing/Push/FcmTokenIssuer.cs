using System.Security.Cryptography;

namespace Roost.Testing.Push;

/// <summary>
/// Google's OAuth2 token endpoint for one service account (the JWT-bearer grant): checks the RS256 assertion with the
/// account's public key and its claims, and issues access tokens valid for 3599 seconds by the receiver's clock.
/// </summary>
internal sealed class FcmTokenIssuer : IDisposable
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3599);

    private readonly FcmServiceAccount _account;
    private readonly string _audience;
    private readonly TimeProvider _time;
    private readonly RSA _publicKey;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private int _issuedCount;

    public FcmTokenIssuer(FcmServiceAccount account, string audience, TimeProvider time)
    {
        _account = account;
        _audience = audience;
        _time = time;
        _publicKey = RSA.Create();
        _publicKey.ImportFromPem(account.PublicKeyPem);
    }

    /// <summary>Access tokens issued so far, revoked ones included.</summary>
    public int IssuedCount => Volatile.Read(ref _issuedCount);

    /// <summary>Why the assertion is refused (an OAuth <c>error_description</c>), or null when it is good.</summary>
    public string? Refusal(string assertion)
    {
        if (!ReceivedJwt.TryParse(assertion, out var jwt) || jwt.HeaderText("alg") != "RS256"
            || (jwt.HeaderText("kid") is { } kid && kid != _account.PrivateKeyId)
            || !_publicKey.VerifyData(jwt.SignedBytes, jwt.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "Invalid JWT Signature.";
        }

        if (jwt.ClaimText("iss") != _account.ClientEmail)
        {
            return "Invalid issuer.";
        }

        if (jwt.ClaimText("aud") != _audience)
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
        }

        if (jwt.ClaimText("scope")?.Split(' ').Contains(Scope) != true)
        {
            return "Invalid OAuth scope or ID token audience provided.";
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        return jwt.ClaimSeconds("iat") is { } iat && jwt.ClaimSeconds("exp") is { } exp
            && exp > iat && exp - iat <= 3600 && iat <= now + 60 && exp > now
            ? null
            : "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
    }

    public string Issue()
    {
        var token = "ya29.test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _issued[token] = _time.GetUtcNow() + Lifetime;
            _issuedCount++;
        }

        return token;
    }

    public bool IsValid(string accessToken)
    {
        lock (_gate)
        {
            return _issued.TryGetValue(accessToken, out var expires) && _time.GetUtcNow() < expires;
        }
    }

    /// <summary>Every token issued so far stops working, as if revoked.</summary>
    public void RevokeAll()
    {
        lock (_gate)
        {
            _issued.Clear();
        }
    }

    public void Dispose() => _publicKey.Dispose();
}
