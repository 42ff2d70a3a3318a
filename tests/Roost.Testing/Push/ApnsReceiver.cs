using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Roost.Testing.Push;

/// <summary>
/// A local APNs: HTTP/2 only over TLS, checking what Apple documents (provider token, headers, device token,
/// payload) and answering in its JSON shape. A test scripts other answers, and reads back what arrived and on how
/// many connections. Written from the provider side, independently of the sender.
/// </summary>
public sealed class ApnsReceiver : IAsyncDisposable
{
    // A connection whose provider token changes sooner than this is refused (Apple: refresh at most every 20 minutes).
    private static readonly TimeSpan MinimumTokenAge = TimeSpan.FromMinutes(20);

    private readonly ApnsRequestChecks _checks;
    private readonly ECDsa _publicKey;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Arrivals<ApnsNotification> _received = new();
    private readonly Arrivals<ApnsAttempt> _attempts = new();
    private readonly List<Scripted> _script = [];
    private readonly Dictionary<string, DateTimeOffset> _unregistered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan?> _failingTopics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Token, DateTimeOffset Since)> _connections = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private ApnsReceiver(string teamId, string keyId, string publicKeyPem, IEnumerable<string> topics, TimeProvider time)
    {
        _publicKey = ECDsa.Create();
        _publicKey.ImportFromPem(publicKeyPem);
        _checks = new ApnsRequestChecks(teamId, keyId, _publicKey, topics);
        _time = time;
    }

    /// <summary>The base URL (<c>https://127.0.0.1:port</c>), for a sender's ProductionUrl or SandboxUrl.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The accepted notifications, in order.</summary>
    public IReadOnlyList<ApnsNotification> Received => _received.Snapshot();

    /// <summary>Every request answered, refused ones included.</summary>
    public IReadOnlyList<ApnsAttempt> Attempts => _attempts.Snapshot();

    /// <summary>The distinct TCP connections requests came on.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <param name="publicKeyPem">The public half of the .p8 key whose ES256 provider tokens are trusted.</param>
    /// <param name="topics">The bundle ids accepted (each also with its <c>.voip</c> suffix).</param>
    /// <param name="time">The clock provider tokens' <c>iat</c> is checked against.</param>
    public static async Task<ApnsReceiver> StartAsync(string teamId, string keyId, string publicKeyPem, IEnumerable<string> topics, TimeProvider time)
    {
        var receiver = new ApnsReceiver(teamId, keyId, publicKeyPem, topics, time);
        (receiver._app, receiver.Url) = await ReceiverHost.StartAsync(HttpProtocols.Http2, TestCertificates.Shared.Server, receiver.HandleAsync);
        return receiver;
    }

    /// <summary>Completes once <paramref name="count"/> notifications were accepted (bounded by <see cref="TimeoutExtensions.Limit"/>).</summary>
    public Task WaitForAsync(int count) => _received.WaitForAsync(count);

    /// <summary>
    /// The next well-formed request for <paramref name="deviceToken"/> (null: any) gets this answer instead of being
    /// accepted. Answers queue in order.
    /// </summary>
    public void RespondNext(string? deviceToken, int status, string reason, DateTimeOffset? timestamp = null, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _script.Add(new(deviceToken, status, reason, timestamp, retryAfter));
        }
    }

    /// <summary>From now on the token gets 410 Unregistered, last known invalid at <paramref name="timestamp"/>.</summary>
    public void Unregister(string deviceToken, DateTimeOffset timestamp)
    {
        lock (_gate)
        {
            _unregistered[deviceToken] = timestamp;
        }
    }

    /// <summary>Every request for <paramref name="topic"/> (with or without <c>.voip</c>) gets 503 ServiceUnavailable, until turned off.</summary>
    public void FailTopic(string topic, bool failing = true, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            if (failing)
            {
                _failingTopics[topic] = retryAfter;
            }
            else
            {
                _failingTopics.Remove(topic);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await ReceiverHost.StopAsync(_app);
        }

        _publicKey.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var connection = context.Connection.Id;
        lock (_gate)
        {
            _connections.TryAdd(connection, (Token: "", Since: DateTimeOffset.MinValue));
        }

        if (!request.Path.StartsWithSegments("/3/device", out var rest))
        {
            await AnswerAsync(context, new("", null, 404, "BadPath"));
            return;
        }

        var deviceToken = rest.Value?.TrimStart('/') ?? "";
        if (!HttpMethods.IsPost(request.Method))
        {
            await AnswerAsync(context, new(deviceToken, null, 405, "MethodNotAllowed"));
            return;
        }

        var body = await ReceiverHost.ReadBodyAsync(request, ApnsRequestChecks.MaxVoipPayloadBytes);
        var now = _time.GetUtcNow();
        var refusal = _checks.ProviderToken(request.Headers.Authorization.ToString(), now, out var providerToken)
            ?? ConnectionTokenChange(connection, providerToken!, now)
            ?? _checks.Headers(request.Headers)
            ?? ApnsRequestChecks.DeviceToken(deviceToken)
            ?? ApnsRequestChecks.Payload(body, request.Headers["apns-push-type"] == "voip");
        if (refusal is { } refused)
        {
            await AnswerAsync(context, new(deviceToken, providerToken, refused.Status, refused.Reason));
            return;
        }

        if (Replacement(deviceToken, request.Headers["apns-topic"].ToString()) is { } scripted)
        {
            await AnswerAsync(context, new(deviceToken, providerToken, scripted.Status, scripted.Reason), scripted.Timestamp, scripted.RetryAfter);
            return;
        }

        var headers = request.Headers.Where(header => header.Key.StartsWith("apns-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal);
        _received.Add(new(deviceToken, headers, providerToken!, body, now, connection));
        await AnswerAsync(context, new(deviceToken, providerToken, 200, null));
    }

    /// <summary>APNs ties a provider token to its connection: a new one too soon makes the connection unusable.</summary>
    private ApnsRefusal? ConnectionTokenChange(string connection, string providerToken, DateTimeOffset now)
    {
        lock (_gate)
        {
            var (token, since) = _connections[connection];
            if (token == providerToken)
            {
                return null;
            }

            if (token.Length > 0 && now - since < MinimumTokenAge)
            {
                return new(429, "TooManyProviderTokenUpdates");
            }

            _connections[connection] = (providerToken, now);
            return null;
        }
    }

    /// <summary>A failing topic, a scripted answer, or an unregistered token: the answer that replaces acceptance.</summary>
    private Scripted? Replacement(string deviceToken, string topic)
    {
        lock (_gate)
        {
            var bundle = topic.EndsWith(".voip", StringComparison.Ordinal) ? topic[..^".voip".Length] : topic;
            if (_failingTopics.TryGetValue(bundle, out var retryAfter))
            {
                return new(null, 503, "ServiceUnavailable", null, retryAfter);
            }

            var index = _script.FindIndex(answer => answer.DeviceToken is null || answer.DeviceToken == deviceToken);
            if (index >= 0)
            {
                var answer = _script[index];
                _script.RemoveAt(index);
                return answer;
            }

            return _unregistered.TryGetValue(deviceToken, out var at) ? new(deviceToken, 410, "Unregistered", at, null) : null;
        }
    }

    private async Task AnswerAsync(HttpContext context, ApnsAttempt attempt, DateTimeOffset? timestamp = null, TimeSpan? retryAfter = null)
    {
        _attempts.Add(attempt with { ConnectionId = context.Connection.Id });
        var response = context.Response;
        response.StatusCode = attempt.Status;
        var apnsId = context.Request.Headers["apns-id"].ToString();
        response.Headers["apns-id"] = apnsId.Length > 0 ? apnsId : Guid.NewGuid().ToString("D");
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((long)delay.TotalSeconds).ToString();
        }

        if (attempt.Reason is null)
        {
            return;
        }

        response.ContentType = "application/json";
        var body = new Dictionary<string, object> { ["reason"] = attempt.Reason };
        if (timestamp is { } at)
        {
            body["timestamp"] = at.ToUnixTimeMilliseconds();
        }

        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
    }

    private sealed record Scripted(string? DeviceToken, int Status, string Reason, DateTimeOffset? Timestamp, TimeSpan? RetryAfter);
}
