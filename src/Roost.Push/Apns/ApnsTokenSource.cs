using System.Security.Cryptography;
using Roost.Push.Http;

namespace Roost.Push.Apns;

/// <summary>
/// The provider token (an ES256 JWT) for one signing key, shared by every connection: APNs ties a token to each
/// connection and answers 429 TooManyProviderTokenUpdates to one whose token changes too often, so a token is never
/// minted per request or per connection. Thread-safe.
/// </summary>
internal sealed class ApnsTokenSource : IDisposable
{
    /// <summary>Apple rejects a token older than an hour; 40 minutes leaves room for clocks that disagree.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(40);

    /// <summary>Apple: refresh no more than once every 20 minutes.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(20);

    private readonly string _teamId;
    private readonly string _keyId;
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _mintedAt;

    public ApnsTokenSource(string teamId, string keyId, string privateKeyPem, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(teamId);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPem);
        ArgumentNullException.ThrowIfNull(time);
        _teamId = teamId;
        _keyId = keyId;
        _time = time;
        _key = ECDsa.Create();
        _key.ImportFromPem(privateKeyPem);
    }

    /// <summary>The token to send now: the cached one, or a new one when it is <see cref="RefreshAfter"/> old.</summary>
    public string GetToken()
    {
        lock (_gate)
        {
            if (_token is null || _time.GetUtcNow() - _mintedAt >= RefreshAfter)
            {
                Mint();
            }

            return _token!;
        }
    }

    /// <summary>
    /// APNs called <paramref name="rejectedToken"/> expired. Whether the caller may resend: true when the current token
    /// is now another one (minted here, or already by another caller); false when the rejected token is younger than
    /// <see cref="MinimumAge"/> and is kept, so a burst of 403s cannot turn into TooManyProviderTokenUpdates.
    /// </summary>
    public bool Invalidate(string rejectedToken)
    {
        lock (_gate)
        {
            if (_token != rejectedToken)
            {
                return _token is not null;
            }

            if (_time.GetUtcNow() - _mintedAt < MinimumAge)
            {
                return false;
            }

            Mint();
            return true;
        }
    }

    public void Dispose() => _key.Dispose();

    private void Mint()
    {
        var now = _time.GetUtcNow();
        _token = Jwt.Create(
            header =>
            {
                header.WriteString("alg", "ES256");
                header.WriteString("kid", _keyId);
            },
            claims =>
            {
                claims.WriteString("iss", _teamId);
                claims.WriteNumber("iat", now.ToUnixTimeSeconds());
            },
            signed => _key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        _mintedAt = now;
    }
}
