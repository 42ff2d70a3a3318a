using System.Security.Cryptography;
using System.Text.Json;
using Roost.Push.Http;

namespace Roost.Push.Fcm;

/// <summary>An access token for FCM, or why there is none (the token endpoint refused or did not answer).</summary>
internal readonly record struct FcmAccessToken(string? Value, string? Failure);

/// <summary>
/// OAuth2 access tokens for a service account (Google's server-to-server flow: an RS256 assertion traded for a
/// bearer token). One token is cached until five minutes before it expires, and callers that find it stale share
/// one refresh, so a burst of pushes makes one request to the token endpoint. Thread-safe.
/// </summary>
internal sealed class FcmAccessTokens : IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    // Google accepts an assertion valid for at most an hour.
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly FcmServiceAccount _account;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly RSA _key;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private (string Value, DateTimeOffset RefreshAt)? _current;
    private Task<FcmAccessToken>? _refresh;

    public FcmAccessTokens(FcmServiceAccount account, HttpClient http, TimeProvider time)
    {
        _account = account;
        _http = http;
        _time = time;
        _key = RSA.Create();
        _key.ImportFromPem(account.PrivateKeyPem);
    }

    /// <summary>The cached token, or the one refresh in flight; the caller's cancellation stops only its own wait.</summary>
    public Task<FcmAccessToken> GetAsync(CancellationToken cancellationToken)
    {
        Task<FcmAccessToken> refresh;
        lock (_gate)
        {
            if (_current is { } current && _time.GetUtcNow() < current.RefreshAt)
            {
                return Task.FromResult(new FcmAccessToken(current.Value, null));
            }

            refresh = _refresh ??= RefreshAsync();
        }

        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>FCM answered 401 to <paramref name="rejected"/>: the next caller fetches a new one (once, however many were refused with it).</summary>
    public void Invalidate(string rejected)
    {
        lock (_gate)
        {
            if (_current?.Value == rejected)
            {
                _current = null;
            }
        }
    }

    public void Dispose()
    {
        // Cancelled, not disposed: a refresh still in flight reads its token.
        _stopping.Cancel();
        _key.Dispose();
    }

    private async Task<FcmAccessToken> RefreshAsync()
    {
        // Off the caller's lock: the refresh task is published before its first line runs.
        await Task.Yield();
        var issuedAt = _time.GetUtcNow();
        (string? Token, TimeSpan Lifetime, string? Failure) result = (null, default, "token endpoint failed");
        try
        {
            result = await RequestAsync(issuedAt);
        }
        finally
        {
            // Whatever happened, the next caller after a failure starts a new refresh rather than awaiting this one.
            lock (_gate)
            {
                _refresh = null;
                if (result.Token is { } token)
                {
                    _current = (token, issuedAt + result.Lifetime);
                }
            }
        }

        return new(result.Token, result.Failure);
    }

    private async Task<(string? Token, TimeSpan Lifetime, string? Failure)> RequestAsync(DateTimeOffset now)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _account.TokenUri)
        {
            Content = new FormUrlEncodedContent([new("grant_type", GrantType), new("assertion", Assertion(now))]),
        };
        try
        {
            using var response = await _http.SendAsync(request, _stopping.Token);
            var body = await response.Content.ReadAsByteArrayAsync(_stopping.Token);
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                return (null, default, $"token endpoint answered {(int)response.StatusCode} {error}".TrimEnd());
            }

            if (!root.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } value
                || !root.TryGetProperty("expires_in", out var expiresIn) || !expiresIn.TryGetInt64(out var seconds) || seconds <= 0)
            {
                return (null, default, "token endpoint answer has no access_token and expires_in");
            }

            // Five minutes early, or half-way through a token that lives less than ten.
            var lifetime = TimeSpan.FromSeconds(seconds);
            return (value, lifetime > 2 * RefreshMargin ? lifetime - RefreshMargin : lifetime / 2, null);
        }
        catch (HttpRequestException)
        {
            return (null, default, "token endpoint unreachable");
        }
        catch (OperationCanceledException)
        {
            return (null, default, "token endpoint timeout");
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return (null, default, "token endpoint answer unreadable");
        }
    }

    private string Assertion(DateTimeOffset now) => Jwt.Create(
        header =>
        {
            header.WriteString("alg", "RS256");
            header.WriteString("typ", "JWT");
            header.WriteString("kid", _account.PrivateKeyId);
        },
        claims =>
        {
            claims.WriteString("iss", _account.ClientEmail);
            claims.WriteString("scope", Scope);
            claims.WriteString("aud", _account.TokenUri.OriginalString);
            claims.WriteNumber("iat", now.ToUnixTimeSeconds());
            claims.WriteNumber("exp", (now + AssertionLifetime).ToUnixTimeSeconds());
        },
        signed => _key.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
}
