using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Roost.Core.Push;
using Roost.Push.Http;

namespace Roost.Push.Apns;

/// <summary>
/// Sends pushes to APNs over HTTP/2 with one team's signing key: a few long-lived connections taken in turn, one
/// provider token shared by all of them, and every answer turned into a <see cref="PushOutcome"/>.
/// </summary>
public sealed partial class ApnsSender : IPushSender, IDisposable
{
    private const int MaxPayloadBytes = 4096;
    private const int MaxVoipPayloadBytes = 5120;
    private const int MaxCollapseIdBytes = 64;

    // APNs keeps a notification at most this long anyway; the cap keeps now + TTL in range.
    private static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(30);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FrozenSet<string> _topics;
    private readonly Uri _production;
    private readonly Uri _sandbox;
    private readonly X509Certificate2? _root;
    private readonly ApnsConnectionPool _pool;
    private readonly ApnsTokenSource _tokens;

    /// <exception cref="ArgumentException">The options are not usable (see <see cref="ApnsOptions.Validate"/>).</exception>
    public ApnsSender(ApnsOptions options, TimeProvider time, ILogger<ApnsSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = options.Validate("Apns");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = time;
        _logger = logger;
        _topics = options.Topics.ToFrozenSet(StringComparer.Ordinal);
        _production = BaseUri(options.ProductionUrl);
        _sandbox = BaseUri(options.SandboxUrl);
        _root = PushTls.LoadRoot(options.RootCertificatePem);
        _pool = new ApnsConnectionPool(options, _root);
        _tokens = new ApnsTokenSource(options.TeamId, options.KeyId, options.PrivateKeyPem, time);
    }

    public PushPlatform Platform => PushPlatform.Apns;

    public bool Serves(string app) => _topics.Contains(app);

    public async Task<PushOutcome> SendAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var target = delivery.Target;
        if (Refusal(delivery) is { } refused)
        {
            Log.NotSent(_logger, refused.Reason, ProviderAnswers.Mask(target.Token));
            return refused;
        }

        var providerToken = _tokens.GetToken();
        var answer = await PostAsync(delivery, providerToken, cancellationToken);

        // One resend with a fresh token; a token too young to replace is kept, and the answer stands.
        if (answer.ProviderTokenExpired && _tokens.Invalidate(providerToken))
        {
            Log.ProviderTokenRenewed(_logger);
            answer = await PostAsync(delivery, _tokens.GetToken(), cancellationToken);
        }

        var outcome = answer.ToOutcome();
        var level = ProviderAnswers.LogLevelOf(outcome.Kind);
        if (_logger.IsEnabled(level))
        {
            var masked = ProviderAnswers.Mask(target.Token);
            Log.Answered(_logger, level, answer.Status, outcome.Reason, masked);
        }

        return outcome;
    }

    public void Dispose()
    {
        _pool.Dispose();
        _tokens.Dispose();
        _root?.Dispose();
    }

    /// <summary>What APNs would refuse, refused here without a request.</summary>
    private PushOutcome? Refusal(PushDelivery delivery)
    {
        var target = delivery.Target;
        if (target.Platform != PushPlatform.Apns || !Serves(target.App))
        {
            return PushOutcome.Rejected("TopicNotServed");
        }

        // The token becomes part of the path: anything but hex bytes is no device token.
        if (!IsDeviceToken(target.Token))
        {
            return PushOutcome.Gone("BadDeviceToken");
        }

        if (delivery.Payload.Length > (target.Voip ? MaxVoipPayloadBytes : MaxPayloadBytes))
        {
            return PushOutcome.Rejected("PayloadTooLarge");
        }

        return Encoding.UTF8.GetByteCount(delivery.CollapseKey) > MaxCollapseIdBytes ? PushOutcome.Rejected("BadCollapseId") : null;
    }

    private async Task<ApnsAnswer> PostAsync(PushDelivery delivery, string providerToken, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(delivery, providerToken);
        var exchange = await ProviderHttp.ExchangeAsync(_pool.Next(), request, _time, cancellationToken);
        if (exchange.Failure is { } failure)
        {
            if (exchange.Unreachable is { } unreachable)
            {
                Log.Unreachable(_logger, unreachable.HttpRequestError, unreachable.Message);
            }

            return ApnsAnswer.NoAnswer(failure);
        }

        return exchange.Status == 200 ? ApnsAnswer.Ok : ApnsAnswer.Parse(exchange.Status, exchange.Body, exchange.RetryAfter);
    }

    private HttpRequestMessage CreateRequest(PushDelivery delivery, string providerToken)
    {
        var target = delivery.Target;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Sandbox ? _sandbox : _production, "3/device/" + target.Token))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ReadOnlyMemoryContent(delivery.Payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var headers = request.Headers;
        headers.Authorization = new AuthenticationHeaderValue("bearer", providerToken);
        headers.Add("apns-push-type", target.Voip ? "voip" : "alert");
        headers.Add("apns-topic", target.Voip ? target.App + ".voip" : target.App);
        headers.Add("apns-priority", delivery.Urgency == PushUrgency.High ? "10" : "5");
        headers.Add("apns-expiration", Expiration(delivery.TimeToLive));

        // VoIP pushes ring a call: each one must arrive, none may replace another.
        if (!target.Voip && delivery.CollapseKey.Length > 0)
        {
            headers.Add("apns-collapse-id", delivery.CollapseKey);
        }

        headers.Add("apns-id", delivery.Id.ToString("D"));
        return request;
    }

    /// <summary>Unix seconds until which APNs keeps trying; 0 means deliver now or never.</summary>
    private string Expiration(TimeSpan timeToLive) =>
        timeToLive <= TimeSpan.Zero
            ? "0"
            : (_time.GetUtcNow() + (timeToLive < MaxTimeToLive ? timeToLive : MaxTimeToLive)).ToUnixTimeSeconds().ToString();

    private static bool IsDeviceToken(string token) =>
        token.Length is > 0 and <= 512 && token.Length % 2 == 0 && !token.AsSpan().ContainsAnyExcept(HexDigits);

    private static Uri BaseUri(string url) => new(url.EndsWith('/') ? url : url + "/");

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Message = "APNs answered {Status} {Reason} for device {Token}")]
        public static partial void Answered(ILogger logger, LogLevel level, int status, string reason, string token);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "APNs push for device {Token} not sent: {Reason}")]
        public static partial void NotSent(ILogger logger, string reason, string token);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "APNs called the provider token expired; sending again with a new one")]
        public static partial void ProviderTokenRenewed(ILogger logger);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "APNs unreachable ({Error}): {Reason}")]
        public static partial void Unreachable(ILogger logger, HttpRequestError error, string reason);
    }
}
