using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Roost.Push.Http;

/// <summary>What every provider connection shares: no redirects or cookies, keep-alive pings, the trusted root, bounded answers.</summary>
internal static class ProviderHttp
{
    /// <summary>A handler with the shared settings; each sender sets its own pooling on it.</summary>
    public static SocketsHttpHandler Handler(TimeSpan connectTimeout, X509Certificate2? root) => new()
    {
        // Pings notice a connection a middlebox dropped before a push is lost on it.
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        ConnectTimeout = connectTimeout,
        AllowAutoRedirect = false,
        UseCookies = false,
        SslOptions = PushTls.ClientOptions(root),
    };

    /// <summary>An HTTP/2 client over <paramref name="handler"/> (which it owns), each request bounded by <paramref name="timeout"/>.</summary>
    public static HttpClient Client(SocketsHttpHandler handler, TimeSpan timeout, HttpVersionPolicy policy) => new(handler, disposeHandler: true)
    {
        Timeout = timeout,
        MaxResponseContentBufferSize = ProviderAnswers.MaxBodyBytes,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = policy,
    };

    /// <summary>
    /// Sends the request and reads what the provider answered (the body only when it is not 200), or why nothing came
    /// back: <c>unreachable</c> (the error kept for the log) or <c>timeout</c> (the client's, not the caller's
    /// cancellation, which is thrown).
    /// </summary>
    public static async Task<ProviderExchange> ExchangeAsync(HttpClient http, HttpRequestMessage request, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new ProviderExchange(200, [], null, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return new ProviderExchange((int)response.StatusCode, body, ProviderAnswers.RetryAfter(response.Headers, time), null);
        }
        catch (HttpRequestException exception)
        {
            return new ProviderExchange(0, [], null, "unreachable", exception);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProviderExchange(0, [], null, "timeout");
        }
    }
}

/// <summary>One request's answer: <see cref="Failure"/> set when none came (with <see cref="Unreachable"/> for a connection that failed).</summary>
internal readonly record struct ProviderExchange(int Status, byte[] Body, TimeSpan? RetryAfter, string? Failure, HttpRequestException? Unreachable = null);
