using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Roost.Push.WebPush;

/// <summary>
/// The RFC 8292 <c>Authorization: vapid t=&lt;JWT&gt;, k=&lt;key&gt;</c> header for a push service's origin. One token per
/// audience is kept until it is within an hour of expiring: signing for every push would be wasted work, since the
/// service accepts the same token until its <c>exp</c>.
/// </summary>
public sealed class VapidSigner
{
    /// <summary>A token is replaced this long before it expires, so one in flight never arrives expired.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);

    // Endpoints come from clients: a flood of made-up origins must not grow the cache without bound.
    private const int MaxCachedAudiences = 1024;

    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"typ":"JWT","alg":"ES256"}"""u8);

    private readonly VapidKeys _keys;
    private readonly string _subject;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _renewBefore;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Token> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _signing = new();

    /// <param name="subject">The <c>sub</c> claim: <c>mailto:</c> or <c>https:</c>.</param>
    /// <param name="lifetime">How far ahead <c>exp</c> is set: positive, at most 24 h.</param>
    public VapidSigner(VapidKeys keys, string subject, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        var problems = new WebPushOptions { Subject = subject, TokenLifetime = lifetime }.Validate("vapid");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        _keys = keys;
        _subject = subject;
        _lifetime = lifetime;

        // A short lifetime still gets half of it from each token.
        _renewBefore = lifetime > 2 * RenewBefore ? RenewBefore : lifetime / 2;
        _time = time;
    }

    /// <summary>The <c>Authorization</c> header value for a push to <paramref name="endpoint"/>.</summary>
    public string AuthorizationFor(Uri endpoint)
    {
        var audience = WebPushEndpoint.Origin(endpoint);
        var now = _time.GetUtcNow();
        if (_tokens.TryGetValue(audience, out var cached) && now < cached.Expires - _renewBefore)
        {
            return cached.Header;
        }

        lock (_signing)
        {
            // Another push to the same audience may have signed while this one waited.
            if (_tokens.TryGetValue(audience, out cached) && now < cached.Expires - _renewBefore)
            {
                return cached.Header;
            }

            if (_tokens.Count >= MaxCachedAudiences)
            {
                _tokens.Clear();
            }

            // exp is whole seconds, rounded down, so it never lands past the 24 h bound.
            var expires = DateTimeOffset.FromUnixTimeSeconds((now + _lifetime).ToUnixTimeSeconds());
            var token = new Token($"vapid t={CreateJwt(audience, expires)}, k={_keys.PublicKeyBase64Url}", expires);
            _tokens[audience] = token;
            return token.Header;
        }
    }

    private string CreateJwt(string audience, DateTimeOffset expires)
    {
        var claims = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("aud", audience);
            writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
            writer.WriteString("sub", _subject);
            writer.WriteEndObject();
        }

        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(claims.WrittenSpan);
        var signature = _keys.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private sealed record Token(string Header, DateTimeOffset Expires);
}
