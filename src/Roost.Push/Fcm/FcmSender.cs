using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Roost.Core.Push;
using Roost.Push.Http;

namespace Roost.Push.Fcm;

/// <summary>
/// Sends data-only pushes through FCM HTTP v1 for one Firebase project, with an OAuth2 access token from its service
/// account, and turns every answer into a <see cref="PushOutcome"/>.
/// </summary>
public sealed partial class FcmSender : IPushSender, IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _projectId;
    private readonly Uri _sendUri;
    private readonly X509Certificate2? _root;
    private readonly HttpClient _http;
    private readonly FcmAccessTokens _tokens;

    /// <exception cref="ArgumentException">The options are not usable (see <see cref="FcmOptions.Validate"/>).</exception>
    public FcmSender(FcmOptions options, TimeProvider time, ILogger<FcmSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = options.Validate("Fcm");
        if (problems.Count > 0 || !FcmServiceAccount.TryParse(options.ServiceAccountJson, out var account, out _))
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = time;
        _logger = logger;
        _projectId = options.ProjectId ?? account.ProjectId;
        var baseUri = new Uri(options.SendUrl.EndsWith('/') ? options.SendUrl : options.SendUrl + "/");
        _sendUri = new Uri(baseUri, $"v1/projects/{Uri.EscapeDataString(_projectId)}/messages:send");
        _root = PushTls.LoadRoot(options.RootCertificatePem);
        _http = CreateClient(options, _root);
        _tokens = new FcmAccessTokens(account, _http, time);
    }

    public PushPlatform Platform => PushPlatform.Fcm;

    /// <summary>The Firebase project this sender sends for (the configured one, or the service account's).</summary>
    public string ProjectId => _projectId;

    public bool Serves(string app) => app == _projectId;

    public async Task<PushOutcome> SendAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var target = delivery.Target;
        string? refusal = null;
        if (target.Platform != PushPlatform.Fcm || !Serves(target.App) || !FcmMessage.TryCreate(delivery, out var body, out refusal))
        {
            var refused = PushOutcome.Rejected(refusal ?? "ProjectNotServed");
            Log.NotSent(_logger, refused.Reason, ProviderAnswers.Mask(target.Token));
            return refused;
        }

        var (answer, accessToken) = await AuthorizedPostAsync(body, cancellationToken);

        // A token revoked or expired early: one new token, one resend; a second 401 is the partition failing.
        if (answer.Unauthenticated && accessToken is not null)
        {
            Log.AccessTokenRefused(_logger);
            _tokens.Invalidate(accessToken);
            (answer, _) = await AuthorizedPostAsync(body, cancellationToken);
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
        _tokens.Dispose();
        _http.Dispose();
        _root?.Dispose();
    }

    /// <summary>The answer, and the access token it was sent with (none when the token endpoint failed).</summary>
    private async Task<(FcmAnswer Answer, string? AccessToken)> AuthorizedPostAsync(byte[] body, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetAsync(cancellationToken);
        if (token.Value is not { } accessToken)
        {
            return (FcmAnswer.NoAnswer(token.Failure ?? "no access token"), null);
        }

        return (await PostAsync(body, accessToken, cancellationToken), accessToken);
    }

    private async Task<FcmAnswer> PostAsync(byte[] body, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var exchange = await ProviderHttp.ExchangeAsync(_http, request, _time, cancellationToken);
        if (exchange.Failure is { } failure)
        {
            if (exchange.Unreachable is { } unreachable)
            {
                Log.Unreachable(_logger, unreachable.HttpRequestError, unreachable.Message);
            }

            return FcmAnswer.NoAnswer(failure);
        }

        return exchange.Status == 200 ? FcmAnswer.Ok : FcmAnswer.Parse(exchange.Status, exchange.Body, exchange.RetryAfter);
    }

    private static HttpClient CreateClient(FcmOptions options, X509Certificate2? root)
    {
        // FCM takes many streams per connection and more connections when they fill; a finite lifetime follows
        // Google's DNS as its front ends move.
        var handler = ProviderHttp.Handler(options.RequestTimeout, root);
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(15);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5);
        handler.EnableMultipleHttp2Connections = true;
        return ProviderHttp.Client(handler, options.RequestTimeout, HttpVersionPolicy.RequestVersionOrLower);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Message = "FCM answered {Status} {Reason} for registration token {Token}")]
        public static partial void Answered(ILogger logger, LogLevel level, int status, string reason, string token);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "FCM push for registration token {Token} not sent: {Reason}")]
        public static partial void NotSent(ILogger logger, string reason, string token);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "FCM refused the access token; fetching a new one and sending again")]
        public static partial void AccessTokenRefused(ILogger logger);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "FCM unreachable ({Error}): {Reason}")]
        public static partial void Unreachable(ILogger logger, HttpRequestError error, string reason);
    }
}
