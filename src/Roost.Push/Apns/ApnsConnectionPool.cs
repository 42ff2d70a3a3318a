using System.Net;
using System.Security.Cryptography.X509Certificates;
using Roost.Push.Http;

namespace Roost.Push.Apns;

/// <summary>
/// A few long-lived HTTP/2 connections, taken in turn. Each client has its own handler, and a handler keeps one
/// HTTP/2 connection per host, so the pool holds exactly <see cref="ApnsOptions.Connections"/> per environment: APNs
/// treats opening and closing connections quickly as an attack, and many streams share one connection.
/// </summary>
internal sealed class ApnsConnectionPool : IDisposable
{
    private readonly HttpClient[] _clients;
    private int _next = -1;

    public ApnsConnectionPool(ApnsOptions options, X509Certificate2? root)
    {
        _clients = new HttpClient[options.Connections];
        for (var i = 0; i < _clients.Length; i++)
        {
            _clients[i] = Create(options, root);
        }
    }

    public HttpClient Next() => _clients[(int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length)];

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private static HttpClient Create(ApnsOptions options, X509Certificate2? root)
    {
        var handler = ProviderHttp.Handler(options.RequestTimeout, root);

        // Kept open for good; an idle one is closed after half an hour rather than kept alive by pings forever.
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(30);
        handler.EnableMultipleHttp2Connections = false;
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        return ProviderHttp.Client(handler, options.RequestTimeout, HttpVersionPolicy.RequestVersionExact);
    }
}
