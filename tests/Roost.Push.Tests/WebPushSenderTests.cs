using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Push;
using Roost.Push.WebPush;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

/// <summary>The sender against the local push service over loopback (so private endpoints are allowed unless a test says not).</summary>
public sealed class WebPushSenderTests : IAsyncLifetime, IDisposable
{
    private static readonly WebPushOptions Loopback = new()
    {
        Subject = "mailto:ops@example.com",
        AllowPrivateEndpoints = true,
        AllowHttp = true,
    };

    private readonly ManualTimeProvider _time = new();
    private readonly VapidKeys _keys = VapidKeys.Create();
    private WebPushReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebPushReceiver.StartAsync(_time).DefaultTimeout();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync().DefaultTimeout();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task A_push_arrives_decrypted_with_its_headers_and_a_verified_VAPID_token()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription(applicationServerKey: _keys.PublicKeyBase64Url);
        var payload = Encoding.UTF8.GetBytes("""{"type":"message","conversation":42}""");

        var outcome = await sender.SendAsync(Delivery(subscription, payload, "conversation-42", TimeSpan.FromMinutes(15)), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Accepted, outcome);
        var push = Assert.Single(await _receiver.WaitForAsync(1).DefaultTimeout());
        Assert.Equal(subscription.Id, push.SubscriptionId);
        Assert.Equal(payload, push.Plaintext);
        Assert.Equal("900", push.Ttl);
        Assert.Equal("high", push.Urgency);
        Assert.Equal("conversation-42", push.Topic);
        Assert.Equal("application/octet-stream", push.Headers["content-type"]);
        Assert.Equal(_receiver.Origin, push.Vapid.Audience);
        Assert.Equal("mailto:ops@example.com", push.Vapid.Subject);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(12), push.Vapid.Expires);
    }

    [Fact]
    public async Task Padded_payloads_all_have_one_length_and_normal_urgency_without_a_topic_is_sent_as_such()
    {
        using var sender = Sender(Loopback with { PadPayloadsTo = 1000 });
        var subscription = _receiver.CreateSubscription();

        Assert.Equal(PushOutcome.Accepted, await sender.SendAsync(Delivery(subscription, "a"u8.ToArray(), urgency: PushUrgency.Normal), CancellationToken.None).DefaultTimeout());
        Assert.Equal(PushOutcome.Accepted, await sender.SendAsync(Delivery(subscription, new byte[900], urgency: PushUrgency.Normal), CancellationToken.None).DefaultTimeout());

        var pushes = await _receiver.WaitForAsync(2).DefaultTimeout();
        Assert.All(pushes, push => Assert.Equal(86 + 1001 + 16, push.BodyLength));
        Assert.Equal("a"u8.ToArray(), pushes[0].Plaintext);
        Assert.All(pushes, push => Assert.Equal("normal", push.Urgency));
        Assert.All(pushes, push => Assert.Null(push.Topic));
    }

    [Theory]
    [InlineData("conversation:42")]
    [InlineData("a-topic-that-is-longer-than-thirty-two")]
    public async Task A_collapse_key_that_is_no_valid_topic_is_dropped_and_the_push_still_goes(string collapseKey)
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray(), collapseKey), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcomeKind.Accepted, outcome.Kind);
        Assert.Null(Assert.Single(await _receiver.WaitForAsync(1).DefaultTimeout()).Topic);
    }

    [Fact]
    public async Task Concurrent_pushes_all_arrive_each_with_its_own_payload()
    {
        using var sender = Sender();
        var subscriptions = Enumerable.Range(0, 4).Select(_ => _receiver.CreateSubscription()).ToArray();
        var deliveries = Enumerable.Range(0, 40).Select(i => Delivery(subscriptions[i % 4], Encoding.UTF8.GetBytes("push " + i))).ToArray();

        var outcomes = await Task.WhenAll(deliveries.Select(d => sender.SendAsync(d, CancellationToken.None))).DefaultTimeout();

        Assert.All(outcomes, outcome => Assert.Equal(PushOutcome.Accepted, outcome));
        var pushes = await _receiver.WaitForAsync(40).DefaultTimeout();
        Assert.Equal(
            Enumerable.Range(0, 40).Select(i => (subscriptions[i % 4].Id, "push " + i)).Order(),
            pushes.Select(p => (p.SubscriptionId, Encoding.UTF8.GetString(p.Plaintext))).Order());
    }

    [Fact]
    public async Task An_unsubscribed_endpoint_is_gone()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        _receiver.MarkGone(subscription.Id);

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Gone("Gone"), outcome);
    }

    [Fact]
    public async Task An_endpoint_the_service_does_not_know_is_gone()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription() with { Endpoint = _receiver.Origin + "/push/unknown" };

        Assert.Equal(PushOutcome.Gone("NotFound"), await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_the_services_Retry_After()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        _receiver.AnswerNext(1, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(3));

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Retry("TooManyRequests", TimeSpan.FromSeconds(3)), outcome);
    }

    [Fact]
    public async Task A_failing_service_fails_its_partition_with_its_Retry_After()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        _receiver.FailAll(TimeSpan.FromSeconds(30));

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcomeKind.PartitionFailure, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, PushOutcomeKind.Rejected, "PayloadTooLarge")]
    [InlineData(HttpStatusCode.BadRequest, PushOutcomeKind.Rejected, "BadRequest")]
    [InlineData(HttpStatusCode.Unauthorized, PushOutcomeKind.PartitionFailure, "Unauthorized")]
    [InlineData(HttpStatusCode.Forbidden, PushOutcomeKind.PartitionFailure, "Forbidden")]
    [InlineData(HttpStatusCode.BadGateway, PushOutcomeKind.PartitionFailure, "ServerError502")]
    [InlineData(HttpStatusCode.Found, PushOutcomeKind.PartitionFailure, "UnexpectedStatus302")]
    [InlineData(HttpStatusCode.OK, PushOutcomeKind.Accepted, "accepted")]
    [InlineData(HttpStatusCode.Accepted, PushOutcomeKind.Accepted, "accepted")]
    public async Task Each_answer_of_the_service_has_its_outcome(HttpStatusCode status, PushOutcomeKind kind, string reason)
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        _receiver.AnswerNext(1, status);

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal((kind, reason), (outcome.Kind, outcome.Reason));
    }

    [Fact]
    public async Task A_subscription_made_for_another_VAPID_key_is_refused_by_the_service()
    {
        using var sender = Sender();
        using var otherKeys = VapidKeys.Create();
        var subscription = _receiver.CreateSubscription(applicationServerKey: otherKeys.PublicKeyBase64Url);

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.PartitionFailed("Forbidden"), outcome);
        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Without_private_endpoints_a_loopback_endpoint_is_gone_before_any_connection(string host)
    {
        using var sender = Sender(Loopback with { AllowPrivateEndpoints = false });
        var subscription = _receiver.CreateSubscription();
        var endpoint = new UriBuilder(subscription.Endpoint) { Host = host }.Uri.ToString();

        var outcome = await sender.SendAsync(Delivery(subscription with { Endpoint = endpoint }, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Gone("private address"), outcome);
        Assert.Equal(0, _receiver.ConnectionCount);
        Assert.Equal(0, _receiver.RequestCount);
    }

    [Fact]
    public async Task A_payload_over_3993_bytes_is_rejected_without_a_request()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();

        var outcome = await sender.SendAsync(Delivery(subscription, new byte[3994]), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Rejected("PayloadTooLarge"), outcome);
        Assert.Equal(0, _receiver.RequestCount);
    }

    [Fact]
    public async Task A_payload_of_3993_bytes_fits()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        var payload = Enumerable.Range(0, 3993).Select(i => (byte)i).ToArray();

        Assert.Equal(PushOutcome.Accepted, await sender.SendAsync(Delivery(subscription, payload), CancellationToken.None).DefaultTimeout());
        var push = Assert.Single(await _receiver.WaitForAsync(1).DefaultTimeout());
        Assert.Equal(4096, push.BodyLength);
        Assert.Equal(payload, push.Plaintext);
    }

    [Fact]
    public async Task Unusable_subscriptions_are_gone_without_a_request()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();

        var badKey = await sender.SendAsync(Delivery(subscription with { P256dh = subscription.P256dh[..64] }, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();
        var badAuth = await sender.SendAsync(Delivery(subscription with { Auth = new byte[8] }, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();
        var badEndpoint = await sender.SendAsync(Delivery(subscription with { Endpoint = "ftp://127.0.0.1/push/x" }, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Gone("invalid subscription keys"), badKey);
        Assert.Equal(PushOutcome.Gone("invalid subscription keys"), badAuth);
        Assert.Equal(PushOutcome.Gone("invalid endpoint"), badEndpoint);
        Assert.Equal(0, _receiver.RequestCount);
    }

    [Fact]
    public async Task An_http_endpoint_is_refused_unless_allowed()
    {
        using var sender = Sender(Loopback with { AllowHttp = false });
        var subscription = _receiver.CreateSubscription();

        Assert.Equal(PushOutcome.Gone("invalid endpoint"), await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task A_service_that_does_not_answer_in_time_fails_its_partition()
    {
        using var sender = Sender(Loopback with { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        var subscription = _receiver.CreateSubscription();
        _receiver.StallNext(1);

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.PartitionFailed("timeout"), outcome);
    }

    [Fact]
    public async Task A_service_that_is_not_listening_is_unreachable()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        await _receiver.DisposeAsync().DefaultTimeout();
        _receiver = await WebPushReceiver.StartAsync(_time).DefaultTimeout();

        var outcome = await sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.PartitionFailed("unreachable"), outcome);
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown()
    {
        using var sender = Sender();
        var subscription = _receiver.CreateSubscription();
        _receiver.StallNext(1);
        using var cancellation = new CancellationTokenSource();

        var sending = sender.SendAsync(Delivery(subscription, "x"u8.ToArray()), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending).DefaultTimeout();
    }

    [Fact]
    public async Task A_failing_origin_fails_only_its_own_partition()
    {
        await using var receivers = await WebPushReceivers.StartAsync(_time).DefaultTimeout();
        using var sender = Sender();
        var failing = Delivery(receivers.First.CreateSubscription(), "x"u8.ToArray());
        var healthy = Delivery(receivers.Second.CreateSubscription(), "x"u8.ToArray());
        receivers.First.FailAll();

        Assert.NotEqual(failing.Target.Partition, healthy.Target.Partition);
        Assert.Equal(PushOutcomeKind.PartitionFailure, (await sender.SendAsync(failing, CancellationToken.None).DefaultTimeout()).Kind);
        Assert.Equal(PushOutcome.Accepted, await sender.SendAsync(healthy, CancellationToken.None).DefaultTimeout());
        Assert.Single(await receivers.Second.WaitForAsync(1).DefaultTimeout());
    }

    [Fact]
    public async Task Over_https_the_configured_root_alone_is_trusted()
    {
        await using var service = await WebPushReceiver.StartAsync(_time, https: true).DefaultTimeout();
        await using var impostor = await WebPushReceiver.StartAsync(_time, https: true).DefaultTimeout();
        using var sender = Sender(Loopback with { AllowHttp = false, RootCertificatePem = service.RootCertificatePem });

        var trusted = await sender.SendAsync(Delivery(service.CreateSubscription(), "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();
        var untrusted = await sender.SendAsync(Delivery(impostor.CreateSubscription(), "x"u8.ToArray()), CancellationToken.None).DefaultTimeout();

        Assert.Equal(PushOutcome.Accepted, trusted);
        var push = Assert.Single(await service.WaitForAsync(1).DefaultTimeout());
        Assert.Equal(service.Origin, push.Vapid.Audience);
        Assert.StartsWith("https://127.0.0.1:", service.Origin, StringComparison.Ordinal);
        Assert.Equal("HTTP/2", push.Protocol);
        Assert.Equal(PushOutcome.PartitionFailed("unreachable"), untrusted);
        Assert.Equal(0, impostor.RequestCount);
    }

    [Fact]
    public async Task Logs_name_the_origin_but_never_the_endpoint_path_keys_or_payload()
    {
        var logger = new RecordingLogger();
        using var sender = new WebPushSender(Loopback with { AllowPrivateEndpoints = false }, _keys, _time, logger);
        var subscription = _receiver.CreateSubscription();
        var delivery = Delivery(subscription, "secret payload"u8.ToArray(), collapseKey: "not a topic");

        await sender.SendAsync(delivery, CancellationToken.None).DefaultTimeout();
        await sender.SendAsync(delivery with { Target = delivery.Target with { P256dh = new byte[3] } }, CancellationToken.None).DefaultTimeout();

        Assert.Contains(logger.Lines, line => line.Contains(_receiver.Origin, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, line => line.Contains(subscription.Id, StringComparison.Ordinal)
            || line.Contains(subscription.P256dhBase64Url, StringComparison.Ordinal)
            || line.Contains(subscription.AuthBase64Url, StringComparison.Ordinal)
            || line.Contains("secret payload", StringComparison.Ordinal));
    }

    private WebPushSender Sender(WebPushOptions? options = null) => new(options ?? Loopback, _keys, _time, NullLogger<WebPushSender>.Instance);

    private static PushDelivery Delivery(
        WebPushSubscription subscription,
        byte[] payload,
        string collapseKey = "",
        TimeSpan? timeToLive = null,
        PushUrgency urgency = PushUrgency.High) =>
        new(
            new PushTarget(1, 2, PushPlatform.WebPush, subscription.Endpoint, subscription.Origin, Sandbox: false, Voip: false, subscription.P256dh, subscription.Auth, DateTimeOffset.UnixEpoch),
            payload,
            collapseKey,
            timeToLive ?? TimeSpan.FromMinutes(15),
            urgency,
            Guid.NewGuid());
}

/// <summary>Keeps every formatted log line, to check what the sender writes.</summary>
internal sealed class RecordingLogger : ILogger<WebPushSender>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception) + " " + exception);
}
