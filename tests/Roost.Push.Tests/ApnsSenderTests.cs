using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Roost.Core.Push;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class ApnsSenderTests
{
    [Fact]
    public async Task A_push_arrives_with_every_header_and_a_provider_token_the_receiver_verified()
    {
        await using var apns = await ApnsHarness.StartAsync();
        var delivery = ApnsHarness.Delivery(timeToLive: TimeSpan.FromMinutes(90));

        var outcome = await apns.SendAsync(delivery);

        Assert.Equal(PushOutcome.Accepted, outcome);
        var received = Assert.Single(apns.Production.Received);
        Assert.Equal(ApnsHarness.DeviceToken, received.DeviceToken);
        Assert.Equal("alert", received.Header("apns-push-type"));
        Assert.Equal(ApnsHarness.Topic, received.Header("apns-topic"));
        Assert.Equal("10", received.Header("apns-priority"));
        Assert.Equal((apns.Time.GetUtcNow() + TimeSpan.FromMinutes(90)).ToUnixTimeSeconds().ToString(), received.Header("apns-expiration"));
        Assert.Equal("conv-42", received.Header("apns-collapse-id"));
        Assert.Equal(delivery.Id.ToString("D"), received.Header("apns-id"));
        Assert.Equal(ApnsHarness.Payload, Encoding.UTF8.GetString(received.Body));

        // The receiver verified the signature; the token also says what Apple asks for, and nothing more.
        var parts = received.ProviderToken.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("""{"alg":"ES256","kid":"KEY7654321"}""", header.RootElement.GetRawText());
        Assert.Equal($$"""{"iss":"TEAM123456","iat":{{apns.Time.GetUtcNow().ToUnixTimeSeconds()}}}""", claims.RootElement.GetRawText());
        Assert.Empty(apns.Sandbox.Received);
    }

    [Fact]
    public async Task Normal_urgency_is_priority_5_and_no_time_to_live_is_expiration_0()
    {
        await using var apns = await ApnsHarness.StartAsync();

        Assert.Equal(PushOutcome.Accepted, await apns.SendAsync(ApnsHarness.Delivery(urgency: PushUrgency.Normal, timeToLive: TimeSpan.Zero, collapseKey: "")));

        var received = Assert.Single(apns.Production.Received);
        Assert.Equal("5", received.Header("apns-priority"));
        Assert.Equal("0", received.Header("apns-expiration"));
        Assert.Null(received.Header("apns-collapse-id"));
    }

    [Fact]
    public async Task Fifty_pushes_share_the_pools_two_connections_in_turn()
    {
        await using var apns = await ApnsHarness.StartAsync(connections: 2);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => apns.SendAsync(ApnsHarness.Delivery())));
        await apns.Production.WaitForAsync(50);

        Assert.All(outcomes, outcome => Assert.Equal(PushOutcomeKind.Accepted, outcome.Kind));
        Assert.Equal(2, apns.Production.ConnectionCount);
        Assert.Equal(2, apns.Production.Received.Select(received => received.ConnectionId).Distinct().Count());

        // In turn: each connection carried half.
        Assert.All(apns.Production.Received.GroupBy(received => received.ConnectionId), group => Assert.Equal(25, group.Count()));
    }

    [Fact]
    public async Task A_sandbox_target_goes_to_the_sandbox_url()
    {
        await using var apns = await ApnsHarness.StartAsync();

        Assert.Equal(PushOutcome.Accepted, await apns.SendAsync(ApnsHarness.Delivery(sandbox: true)));

        Assert.Single(apns.Sandbox.Received);
        Assert.Empty(apns.Production.Received);
        Assert.Empty(apns.Production.Attempts);
    }

    [Fact]
    public async Task A_voip_push_goes_to_the_voip_topic_as_push_type_voip_without_a_collapse_id()
    {
        await using var apns = await ApnsHarness.StartAsync();
        var payload = "{\"aps\":{},\"call\":\"" + new string('x', 4500) + "\"}";

        Assert.Equal(PushOutcome.Accepted, await apns.SendAsync(ApnsHarness.Delivery(voip: true, payload: payload)));

        var received = Assert.Single(apns.Production.Received);
        Assert.Equal(ApnsHarness.Topic + ".voip", received.Header("apns-topic"));
        Assert.Equal("voip", received.Header("apns-push-type"));
        Assert.Null(received.Header("apns-collapse-id"));
        Assert.True(received.Body.Length > 4096, "VoIP payloads may be up to 5120 bytes");
    }

    [Fact]
    public async Task A_payload_over_4096_bytes_is_rejected_without_a_request()
    {
        await using var apns = await ApnsHarness.StartAsync();
        var payload = "{\"aps\":{},\"p\":\"" + new string('x', 4096) + "\"}";

        var outcome = await apns.SendAsync(ApnsHarness.Delivery(payload: payload));

        Assert.Equal(PushOutcome.Rejected("PayloadTooLarge"), outcome);
        Assert.Empty(apns.Production.Attempts);
    }

    [Fact]
    public async Task A_device_token_that_is_not_hex_is_gone_without_a_request()
    {
        await using var apns = await ApnsHarness.StartAsync();

        var outcome = await apns.SendAsync(ApnsHarness.Delivery(token: "../../3/device/zz"));

        Assert.Equal(PushOutcomeKind.TargetGone, outcome.Kind);
        Assert.Equal("BadDeviceToken", outcome.Reason);
        Assert.Empty(apns.Production.Attempts);
    }

    [Fact]
    public async Task A_key_the_receiver_does_not_trust_fails_the_partition()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var apns = await ApnsHarness.StartAsync(senderKeyPem: otherKey.ExportPkcs8PrivateKeyPem());

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("InvalidProviderToken"), outcome);
        Assert.Empty(apns.Production.Received);
    }

    [Fact]
    public async Task A_server_certificate_from_another_authority_is_refused_before_anything_is_sent()
    {
        using var other = TestCertificates.Create();
        await using var apns = await ApnsHarness.StartAsync(rootPem: other.AuthorityPem);

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("unreachable"), outcome);
        Assert.Empty(apns.Production.Attempts);
    }

    [Fact]
    public async Task A_cancelled_caller_gets_an_OperationCanceledException()
    {
        await using var apns = await ApnsHarness.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => apns.Sender.SendAsync(ApnsHarness.Delivery(), new CancellationToken(canceled: true))).DefaultTimeout();
    }

    [Fact]
    public async Task The_sender_serves_only_its_topics()
    {
        await using var apns = await ApnsHarness.StartAsync();

        Assert.True(apns.Sender.Serves(ApnsHarness.Topic));
        Assert.False(apns.Sender.Serves("com.example.other"));
        Assert.Equal(PushOutcome.Rejected("TopicNotServed"), await apns.SendAsync(ApnsHarness.Delivery(app: "com.example.other")));
    }
}
