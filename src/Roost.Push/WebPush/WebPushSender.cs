using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Roost.Core.Push;

namespace Roost.Push.WebPush;

/// <summary>
/// Sends Web Push (RFC 8030) to browsers' push services: the payload encrypted to the subscription (RFC 8291), signed
/// for with VAPID (RFC 8292). Endpoints come from clients, so it connects only to public addresses, follows no
/// redirects and uses no proxy; it logs an endpoint's origin at most, never the endpoint, keys or payload.
/// </summary>
public sealed partial class WebPushSender : IPushSender, IDisposable
{
    private const int MaxTopicLength = 32;

    private static readonly SearchValues<char> TopicCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly WebPushOptions _options;
    private readonly VapidSigner _signer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly X509Certificate2? _root;

    /// <param name="keys">The VAPID key; the caller keeps ownership (it outlives the sender).</param>
    public WebPushSender(WebPushOptions options, VapidKeys keys, TimeProvider time, ILogger<WebPushSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate("WebPush");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _signer = new VapidSigner(keys, options.Subject, options.TokenLifetime, time);
        _time = time;
        _logger = logger;

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = new PublicEndpointConnector(options.AllowPrivateEndpoints).ConnectAsync,
            ConnectTimeout = options.RequestTimeout,

            // A proxy would be what the callback connects to, and the address check would be on the proxy's address.
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,

            // Connections to a push service are reused, but not forever, so they follow its DNS.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        };

        if (options.RootCertificatePem is { } pem)
        {
            // Only this root is trusted (no system roots), and the host name is still checked by the handshake.
            _root = X509Certificate2.CreateFromPem(pem);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.Add(_root);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public PushPlatform Platform => PushPlatform.WebPush;

    /// <summary>Any origin: Web Push needs no per-service credentials, VAPID signs for whichever service the endpoint names.</summary>
    public bool Serves(string app) => true;

    public async Task<PushOutcome> SendAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var target = delivery.Target;
        if (target.Platform != PushPlatform.WebPush)
        {
            return PushOutcome.Rejected("not a web push target");
        }

        if (!WebPushEndpoint.TryParse(target.Token, _options.AllowHttp, out var endpoint))
        {
            Log.InvalidSubscription(_logger, "endpoint", target.DeviceId);
            return PushOutcome.Gone("invalid endpoint");
        }

        var origin = WebPushEndpoint.Origin(endpoint);
        if (delivery.Payload.Length > WebPushEncryption.MaxPlaintextLength)
        {
            Log.PayloadTooLarge(_logger, origin, delivery.Payload.Length);
            return PushOutcome.Rejected("PayloadTooLarge");
        }

        if (!TryEncrypt(delivery, out var body))
        {
            Log.InvalidSubscription(_logger, "keys", target.DeviceId);
            return PushOutcome.Gone("invalid subscription keys");
        }

        using var request = CreateRequest(delivery, endpoint, origin, body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var outcome = WebPushAnswers.Map(response.StatusCode, response.Headers.RetryAfter, _time.GetUtcNow());
            if (outcome.Kind == PushOutcomeKind.Accepted)
            {
                Log.Accepted(_logger, origin, (int)response.StatusCode, delivery.Id);
            }
            else
            {
                Log.NotAccepted(_logger, origin, (int)response.StatusCode, outcome.Kind, outcome.Reason, delivery.Id);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            Log.TimedOut(_logger, origin, _options.RequestTimeout);
            return PushOutcome.PartitionFailed("timeout");
        }
        catch (HttpRequestException exception) when (IsPrivateAddress(exception))
        {
            Log.PrivateAddress(_logger, origin, target.DeviceId);
            return PushOutcome.Gone("private address");
        }
        catch (HttpRequestException exception)
        {
            // The error kind only: messages can carry more of the endpoint than its origin.
            Log.Unreachable(_logger, origin, exception.HttpRequestError);
            return PushOutcome.PartitionFailed("unreachable");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _root?.Dispose();
    }

    private bool TryEncrypt(PushDelivery delivery, out byte[] body)
    {
        body = [];
        if (delivery.Target.P256dh is not { } publicKey || delivery.Target.Auth is not { } auth)
        {
            return false;
        }

        try
        {
            body = WebPushEncryption.Encrypt(publicKey, auth, delivery.Payload.Span, _options.PadPayloadsTo);
            return true;
        }
        catch (ArgumentException)
        {
            // Not a P-256 point or a 16-byte secret: no push to this subscription can ever be read.
            return false;
        }
    }

    private HttpRequestMessage CreateRequest(PushDelivery delivery, Uri endpoint, string origin, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            // HTTP/2 where the service offers it (ALPN), HTTP/1.1 otherwise.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new ByteArrayContent(body),
        };

        // TTL is required (RFC 8030 §5.2): whole seconds, at most 2^31 - 1.
        var ttl = (long)Math.Clamp(delivery.TimeToLive.TotalSeconds, 0, int.MaxValue);
        request.Headers.TryAddWithoutValidation("TTL", ttl.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Urgency", delivery.Urgency == PushUrgency.High ? "high" : "normal");
        if (delivery.CollapseKey.Length > 0)
        {
            if (IsValidTopic(delivery.CollapseKey))
            {
                request.Headers.TryAddWithoutValidation("Topic", delivery.CollapseKey);
            }
            else
            {
                // A service answers 400 to a bad Topic; the push is still worth sending without coalescing.
                Log.TopicDropped(_logger, origin, delivery.CollapseKey.Length, delivery.Id);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", _signer.AuthorizationFor(endpoint));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        return request;
    }

    /// <summary>RFC 8030 §5.4: at most 32 characters of the URL- and filename-safe base64 alphabet.</summary>
    internal static bool IsValidTopic(string topic) =>
        topic.Length is > 0 and <= MaxTopicLength && topic.AsSpan().IndexOfAnyExcept(TopicCharacters) < 0;

    private static bool IsPrivateAddress(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PrivateAddressException)
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Web Push {PushId} to {Origin} accepted: HTTP {Status}")]
        public static partial void Accepted(ILogger logger, string origin, int status, Guid pushId);

        [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Web Push {PushId} to {Origin} not accepted: HTTP {Status}, {Outcome} ({Reason})")]
        public static partial void NotAccepted(ILogger logger, string origin, int status, PushOutcomeKind outcome, string reason, Guid pushId);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Web Push endpoint of device {DeviceId} at {Origin} resolves only to non-public addresses; the subscription is dropped")]
        public static partial void PrivateAddress(ILogger logger, string origin, long deviceId);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Web Push to {Origin} failed: {Error}")]
        public static partial void Unreachable(ILogger logger, string origin, HttpRequestError error);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Web Push to {Origin} got no answer within {Timeout}")]
        public static partial void TimedOut(ILogger logger, string origin, TimeSpan timeout);

        [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Web Push {PushId} to {Origin} is sent without its Topic ({Length} characters; at most 32 base64url characters are allowed)")]
        public static partial void TopicDropped(ILogger logger, string origin, int length, Guid pushId);

        [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Web Push subscription of device {DeviceId} has an unusable {Part}; it is dropped")]
        public static partial void InvalidSubscription(ILogger logger, string part, long deviceId);

        [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Web Push payload of {Length} bytes for {Origin} is refused: at most 3993 bytes fit in one record")]
        public static partial void PayloadTooLarge(ILogger logger, string origin, int length);
    }
}
