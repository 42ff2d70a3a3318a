using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Roost.Testing.Push;

/// <summary>
/// A push service and the browsers behind it, on 127.0.0.1 at a port of its own (so each receiver is one origin):
/// it hands out browser-like subscriptions, and takes RFC 8030 pushes to them as a strict service would (TTL required,
/// Urgency and Topic checked, aes128gcm only, VAPID verified with the audience including the port), then decrypts
/// them as the browser would (RFC 8291) and records them. It can be told to answer otherwise: a subscription gone
/// (410), the next requests with a status, every request with 503, or no answer at all.
/// <para>Independent of Roost.Push: it checks the sender, it does not share its code.</para>
/// </summary>
public sealed class WebPushReceiver : IAsyncDisposable
{
    /// <summary>RFC 8030 §7.2: a service must take bodies up to 4096 bytes; this one takes no more.</summary>
    public const int MaxBodyLength = 4096;

    private static readonly HashSet<string> Urgencies = ["very-low", "low", "normal", "high"];

    private readonly TimeProvider _time;
    private readonly LoopbackCertificateAuthority? _authority;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Scripted> _scripted = new();
    private readonly Lock _lock = new();
    private readonly List<ReceivedPush> _received = [];
    private readonly List<(int Count, TaskCompletionSource<IReadOnlyList<ReceivedPush>> Done)> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication _app = null!;
    private volatile Scripted? _failAll;
    private int _stallNext;
    private int _requests;
    private int _connections;

    private WebPushReceiver(TimeProvider time, LoopbackCertificateAuthority? authority)
    {
        _time = time;
        _authority = authority;
    }

    /// <summary>scheme://127.0.0.1:port: the VAPID audience this receiver requires.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>The CA to trust for this receiver's certificate (HTTPS receivers only).</summary>
    public string? RootCertificatePem => _authority?.RootPem;

    /// <summary>Every HTTP request that reached the receiver, accepted or not.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Every TCP connection accepted.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    public IReadOnlyList<ReceivedPush> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <param name="time">The clock VAPID expiry is checked against (share it with the sender).</param>
    /// <param name="https">Serve TLS with a certificate from a throwaway CA (<see cref="RootCertificatePem"/>).</param>
    public static async Task<WebPushReceiver> StartAsync(TimeProvider? time = null, bool https = false)
    {
        var receiver = new WebPushReceiver(time ?? TimeProvider.System, https ? LoopbackCertificateAuthority.Create() : null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref receiver._connections);
                return next(connection);
            });
            if (receiver._authority is { } authority)
            {
                listen.UseHttps(authority.ServerCertificate);
            }
        }));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref receiver._requests);
            return next(context);
        });
        app.MapPost("/push/{id}", receiver.HandleAsync);
        await app.StartAsync();
        receiver._app = app;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        receiver.Origin = $"{address.Scheme}://127.0.0.1:{address.Port}";
        return receiver;
    }

    /// <summary>
    /// What <c>pushManager.subscribe()</c> makes: a fresh endpoint, P-256 key pair and auth secret. With
    /// <paramref name="applicationServerKey"/> (base64url), pushes must be signed by that VAPID key, else 403.
    /// </summary>
    public WebPushSubscription CreateSubscription(string? applicationServerKey = null)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        _subscriptions[id] = new Subscription(key.ExportParameters(includePrivateParameters: true), auth, applicationServerKey);
        return new WebPushSubscription(id, $"{Origin}/push/{id}", Origin, WebPushDecryption.ExportPoint(key), auth);
    }

    /// <summary>The browser unsubscribed: pushes to it get 410 Gone.</summary>
    public void MarkGone(string subscriptionId) => _subscriptions[subscriptionId].Gone = true;

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> (and Retry-After), whatever they hold.</summary>
    public void AnswerNext(int count, HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        for (var i = 0; i < count; i++)
        {
            _scripted.Enqueue(new Scripted((int)status, retryAfter));
        }
    }

    /// <summary>The whole service is down: every request gets 503 until <see cref="Recover"/>.</summary>
    public void FailAll(TimeSpan? retryAfter = null) => _failAll = new Scripted(StatusCodes.Status503ServiceUnavailable, retryAfter);

    public void Recover() => _failAll = null;

    /// <summary>The next <paramref name="count"/> requests get no answer until the client gives up.</summary>
    public void StallNext(int count) => Interlocked.Add(ref _stallNext, count);

    /// <summary>Completes once at least <paramref name="count"/> pushes were accepted, with all of them.</summary>
    public Task<IReadOnlyList<ReceivedPush>> WaitForAsync(int count)
    {
        lock (_lock)
        {
            if (_received.Count >= count)
            {
                return Task.FromResult<IReadOnlyList<ReceivedPush>>([.. _received]);
            }

            var done = new TaskCompletionSource<IReadOnlyList<ReceivedPush>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        _authority?.Dispose();
    }

    private async Task HandleAsync(HttpContext context, string id)
    {
        if (_failAll is { } down)
        {
            Answer(context, down);
            return;
        }

        if (TryTakeStall())
        {
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.Infinite, aborted.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (_scripted.TryDequeue(out var scripted))
        {
            Answer(context, scripted);
            return;
        }

        var (status, push) = await AcceptAsync(context, id);
        context.Response.StatusCode = status;
        if (push is not null)
        {
            context.Response.Headers.Location = $"{Origin}/message/{Guid.NewGuid():N}";
            context.Response.Headers["TTL"] = push.Ttl;
            Record(push);
        }
    }

    /// <summary>The checks of a strict push service, then the browser's decryption; a status for the first that fails.</summary>
    private async Task<(int Status, ReceivedPush? Push)> AcceptAsync(HttpContext context, string id)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return (StatusCodes.Status404NotFound, null);
        }

        if (subscription.Gone)
        {
            return (StatusCodes.Status410Gone, null);
        }

        var headers = context.Request.Headers;
        if (!(headers.TryGetValue("TTL", out var ttl) && ttl.Count == 1
            && long.TryParse(ttl[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= int.MaxValue))
        {
            return (StatusCodes.Status400BadRequest, null);
        }

        if (headers.TryGetValue("Urgency", out var urgency) && !(urgency.Count == 1 && Urgencies.Contains(urgency[0]!)))
        {
            return (StatusCodes.Status400BadRequest, null);
        }

        if (headers.TryGetValue("Topic", out var topic) && !(topic.Count == 1 && IsTopic(topic[0]!)))
        {
            return (StatusCodes.Status400BadRequest, null);
        }

        if (headers.ContentEncoding != "aes128gcm")
        {
            return (StatusCodes.Status415UnsupportedMediaType, null);
        }

        var vapid = VapidVerifier.Verify(headers.Authorization, Origin, _time.GetUtcNow());
        if (vapid.Claims is not { } claims)
        {
            return (vapid.Status, null);
        }

        if (subscription.ApplicationServerKey is { } required && claims.PublicKey != required)
        {
            return (StatusCodes.Status403Forbidden, null);
        }

        var body = await ReadBodyAsync(context.Request);
        if (body is null)
        {
            return (StatusCodes.Status413PayloadTooLarge, null);
        }

        byte[] plaintext;
        try
        {
            using var key = ECDiffieHellman.Create(subscription.Key);
            plaintext = WebPushDecryption.Decrypt(key, subscription.Auth, body);
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return (StatusCodes.Status400BadRequest, null);
        }

        var recorded = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        return (StatusCodes.Status201Created, new ReceivedPush(id, recorded, plaintext, body.Length, claims, context.Request.Protocol, _time.GetUtcNow()));
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        // One byte past the limit tells an oversized body from one that just fits.
        var buffer = new byte[MaxBodyLength + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        return length > MaxBodyLength ? null : buffer[..length];
    }

    private static bool IsTopic(string topic) =>
        topic.Length is > 0 and <= 32 && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void Answer(HttpContext context, Scripted scripted)
    {
        context.Response.StatusCode = scripted.Status;
        if (scripted.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    private bool TryTakeStall()
    {
        while (true)
        {
            var left = Volatile.Read(ref _stallNext);
            if (left == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _stallNext, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private void Record(ReceivedPush push)
    {
        List<(TaskCompletionSource<IReadOnlyList<ReceivedPush>> Done, IReadOnlyList<ReceivedPush> All)> ready = [];
        lock (_lock)
        {
            _received.Add(push);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_received.Count >= _waiters[i].Count)
                {
                    ready.Add((_waiters[i].Done, [.. _received]));
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var (done, all) in ready)
        {
            done.TrySetResult(all);
        }
    }

    private sealed record Scripted(int Status, TimeSpan? RetryAfter);

    private sealed class Subscription(ECParameters key, byte[] auth, string? applicationServerKey)
    {
        public ECParameters Key { get; } = key;

        public byte[] Auth { get; } = auth;

        public string? ApplicationServerKey { get; } = applicationServerKey;

        public volatile bool Gone;
    }
}
