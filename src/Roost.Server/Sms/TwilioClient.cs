using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Roost.Core.Identity;
using Roost.Server.Options;

namespace Roost.Server.Sms;

/// <summary>
/// Twilio over HTTP: the Messages API (we write the text) and the Verify API (Twilio makes and checks the code).
/// Every call runs through retry (429 and 5xx, exponential backoff with jitter, Retry-After honoured), a circuit
/// breaker (open after repeated failures, closed again after a successful probe) and a per-attempt timeout.
/// Numbers are masked and codes never logged.
/// </summary>
public sealed partial class TwilioClient
{
    private readonly HttpClient _http;
    private readonly TwilioOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _logger;
    private readonly AuthenticationHeaderValue _authorization;

    public TwilioClient(HttpClient http, TwilioOptions options, TimeProvider time, ILogger<TwilioClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _logger = logger;
        _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(response => response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, (int?)args.Outcome.Result?.StatusCode ?? 0);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        _pipeline = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumCalls,
                SamplingDuration = options.BreakerSamplingWindow,
                BreakDuration = options.BreakerBreakDuration,
                OnOpened = _ =>
                {
                    Log.CircuitOpened(_logger, options.BreakerBreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(_logger);
                    return default;
                },
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json (To, From or MessagingServiceSid, Body).</summary>
    public async Task SendMessageAsync(string to, string body, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", to), new("Body", body) };
        form.Add(_options.MessagingServiceSid.Length > 0 ? new("MessagingServiceSid", _options.MessagingServiceSid) : new("From", _options.FromNumber));
        using var document = await PostAsync(
            new Uri(new Uri(_options.ApiBaseUrl), $"/2010-04-01/Accounts/{Uri.EscapeDataString(_options.AccountSid)}/Messages.json"),
            form,
            cancellationToken);
        var masked = PhoneNumber.Mask(to);
        var sid = Read(document, "sid");
        Log.MessageSent(_logger, masked, sid);
    }

    /// <summary>Verify API: POST /v2/Services/{ServiceSid}/Verifications (To, Channel=sms).</summary>
    public async Task StartVerificationAsync(string to, CancellationToken cancellationToken)
    {
        using var document = await PostAsync(
            VerifyUri("Verifications"), [new("To", to), new("Channel", "sms")], cancellationToken);
        var masked = PhoneNumber.Mask(to);
        var sid = Read(document, "sid");
        Log.VerificationStarted(_logger, masked, sid);
    }

    /// <summary>Verify API: POST /v2/Services/{ServiceSid}/VerificationCheck (To, Code). True when Twilio says "approved".</summary>
    public async Task<bool> CheckVerificationAsync(string to, string code, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await PostAsync(VerifyUri("VerificationCheck"), [new("To", to), new("Code", code)], cancellationToken);
            return Read(document, "status") == "approved";
        }
        catch (SmsDeliveryException exception) when (exception.IsClientError)
        {
            // 404: no pending verification (expired or already approved) — the code is simply not valid.
            return false;
        }
    }

    private Uri VerifyUri(string resource) =>
        new(new Uri(_options.VerifyBaseUrl), $"/v2/Services/{Uri.EscapeDataString(_options.VerifyServiceSid)}/{resource}");

    private async Task<JsonDocument> PostAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;

        // Whether any attempt may have been accepted: then the failure is not a definite "nothing sent".
        var maybeAccepted = false;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A request cannot be sent twice: each attempt builds its own.
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(form) };
                    request.Headers.Authorization = _authorization;
                    try
                    {
                        var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                        maybeAccepted |= (int)answer.StatusCode >= 500;
                        return answer;
                    }
                    catch (Exception exception) when (!NeverReachedTwilio(exception))
                    {
                        maybeAccepted = true;
                        throw;
                    }
                },
                cancellationToken);
        }
        catch (BrokenCircuitException exception)
        {
            throw new SmsDeliveryException("Twilio is failing; the circuit is open.", isClientError: false, exception) { NothingSent = !maybeAccepted };
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException)
        {
            throw new SmsDeliveryException("Twilio did not answer.", isClientError: false, exception) { NothingSent = !maybeAccepted };
        }

        using (response)
        {
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(content.Length == 0 ? "{}" : content);
            }

            var (code, message) = ReadError(content);
            Log.Refused(_logger, (int)response.StatusCode, code, message);
            // Only 400 (a bad number, say 21211) and 404 are about the request; 401/403 mean our credentials are wrong,
            // which is the operator's problem, not the user's.
            var clientError = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound;
            throw new SmsDeliveryException($"Twilio answered {(int)response.StatusCode} (error {code}): {message}", clientError)
            {
                NothingSent = !maybeAccepted && (int)response.StatusCode < 500,
            };
        }
    }

    /// <summary>No connection was made (refused, unresolvable, TLS failed): the request never reached Twilio.</summary>
    private static bool NeverReachedTwilio(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) =>
        response?.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } delta && delta <= TimeSpan.FromMinutes(1)
            ? delta
            : null;

    private static string Read(JsonDocument document, string property) =>
        document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value) ? value.ToString() : "";

    /// <summary>Twilio errors: <c>{"code": 21211, "message": "...", "more_info": "...", "status": 400}</c>.</summary>
    private static (string Code, string Message) ReadError(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return (Read(document, "code"), Read(document, "message"));
        }
        catch (JsonException)
        {
            return ("", content.Length > 200 ? content[..200] : content);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Twilio accepted a message to {Phone} ({Sid})")]
        public static partial void MessageSent(ILogger logger, string phone, string sid);

        [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Twilio started a verification for {Phone} ({Sid})")]
        public static partial void VerificationStarted(ILogger logger, string phone, string sid);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Twilio call failed with {Status}; retry {Attempt}")]
        public static partial void Retrying(ILogger logger, int attempt, int status);

        [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Twilio refused a request: {Status}, error {Code}: {Message}")]
        public static partial void Refused(ILogger logger, int status, string code, string message);

        [LoggerMessage(EventId = 6204, Level = LogLevel.Error, Message = "Twilio circuit opened for {BreakDuration}: SMS sending is paused")]
        public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

        [LoggerMessage(EventId = 6205, Level = LogLevel.Information, Message = "Twilio circuit closed: SMS sending resumed")]
        public static partial void CircuitClosed(ILogger logger);
    }
}

/// <summary>Codes over Twilio: Verify when a Verify service is configured, else a text through the Messages API.</summary>
internal sealed class TwilioSmsChannel(TwilioClient twilio, TwilioOptions options) : ISmsCodeChannel
{
    public bool ProviderChecksCodes => options.VerifyServiceSid.Length > 0;

    public Task SendCodeAsync(string phone, string? code, CancellationToken cancellationToken) =>
        ProviderChecksCodes
            ? twilio.StartVerificationAsync(phone, cancellationToken)
            : twilio.SendMessageAsync(phone, string.Create(CultureInfo.InvariantCulture, $"Your Roost code is {code}. It expires in 5 minutes. Never share it."), cancellationToken);

    public Task<bool> CheckCodeAsync(string phone, string code, CancellationToken cancellationToken) =>
        twilio.CheckVerificationAsync(phone, code, cancellationToken);
}
