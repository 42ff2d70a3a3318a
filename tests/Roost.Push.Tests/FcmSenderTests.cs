using Roost.Core.Push;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class FcmSenderTests
{
    [Fact]
    public async Task A_push_arrives_as_a_data_message_with_each_platforms_options()
    {
        await using var fcm = await FcmHarness.StartAsync();

        var outcome = await fcm.SendAsync(FcmHarness.Delivery(timeToLive: TimeSpan.FromMinutes(90)));

        Assert.Equal(PushOutcome.Accepted, outcome);
        var received = Assert.Single(fcm.Receiver.Received);
        Assert.Equal(FcmHarness.RegistrationToken, received.Token);
        Assert.Equal(new Dictionary<string, string> { ["c"] = "42", ["kind"] = "message" }, received.Data);
        Assert.Equal(
            """{"priority":"HIGH","ttl":"5400s","collapse_key":"conv-42"}""",
            received.Message["android"]!.ToJsonString());
        Assert.Equal("""{"headers":{"apns-collapse-id":"conv-42"}}""", received.Message["apns"]!.ToJsonString());
        Assert.Equal("""{"headers":{"TTL":"5400","Topic":"conv-42"}}""", received.Message["webpush"]!.ToJsonString());
        Assert.Null(received.Message["notification"]);
    }

    [Fact]
    public async Task Normal_urgency_is_android_priority_normal_and_no_collapse_key_sends_none()
    {
        await using var fcm = await FcmHarness.StartAsync();

        Assert.Equal(PushOutcome.Accepted, await fcm.SendAsync(FcmHarness.Delivery(urgency: PushUrgency.Normal, collapseKey: "")));

        var message = Assert.Single(fcm.Receiver.Received).Message;
        Assert.Equal("""{"priority":"NORMAL","ttl":"3600s"}""", message["android"]!.ToJsonString());
        Assert.Null(message["apns"]);
        Assert.Equal("""{"headers":{"TTL":"3600"}}""", message["webpush"]!.ToJsonString());
    }

    [Fact]
    public async Task Concurrent_pushes_share_one_access_token_fetched_once()
    {
        await using var fcm = await FcmHarness.StartAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fcm.SendAsync(FcmHarness.Delivery())));
        await fcm.SendAsync(FcmHarness.Delivery());

        Assert.All(outcomes, outcome => Assert.Equal(PushOutcomeKind.Accepted, outcome.Kind));
        Assert.Equal(1, fcm.Receiver.TokensIssued);
        Assert.Single(fcm.Receiver.Received.Select(received => received.AccessToken).Distinct());
    }

    [Fact]
    public async Task The_access_token_is_renewed_five_minutes_before_it_expires()
    {
        // The receiver's tokens live 3599 s, so the sender renews after 3299 s.
        await using var fcm = await FcmHarness.StartAsync();
        await fcm.SendAsync(FcmHarness.Delivery());

        fcm.Time.Advance(TimeSpan.FromSeconds(3298));
        await fcm.SendAsync(FcmHarness.Delivery());
        Assert.Equal(1, fcm.Receiver.TokensIssued);

        fcm.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(PushOutcome.Accepted, await fcm.SendAsync(FcmHarness.Delivery()));
        Assert.Equal(2, fcm.Receiver.TokensIssued);
        var tokens = fcm.Receiver.Received.Select(received => received.AccessToken).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
    }

    [Theory]
    [InlineData("""{"count":3}""", "PayloadValueNotAString")]
    [InlineData("""["c","42"]""", "PayloadNotAnObject")]
    [InlineData("""{"c":""", "PayloadNotJson")]
    public async Task A_payload_fcm_cannot_take_as_data_is_rejected_without_a_request(string payload, string reason)
    {
        await using var fcm = await FcmHarness.StartAsync();

        Assert.Equal(PushOutcome.Rejected(reason), await fcm.SendAsync(FcmHarness.Delivery(payload: payload)));

        Assert.Equal(0, fcm.Receiver.TokensIssued);
        Assert.Empty(fcm.Receiver.Received);
    }

    [Fact]
    public async Task Data_over_4096_bytes_is_rejected_without_a_request()
    {
        await using var fcm = await FcmHarness.StartAsync();

        var outcome = await fcm.SendAsync(FcmHarness.Delivery(payload: "{\"c\":\"" + new string('x', 4096) + "\"}"));

        Assert.Equal(PushOutcome.Rejected("PayloadTooLarge"), outcome);
        Assert.Empty(fcm.Receiver.Received);
    }

    [Fact]
    public async Task The_sender_serves_only_its_project()
    {
        await using var fcm = await FcmHarness.StartAsync();

        Assert.True(fcm.Sender.Serves(FcmHarness.ProjectId));
        Assert.False(fcm.Sender.Serves("another-project"));
    }

    [Fact]
    public async Task A_service_account_the_token_endpoint_does_not_know_fails_the_partition()
    {
        await using var fcm = await FcmHarness.StartAsync(receiver => FcmServiceAccount.Create(FcmHarness.ProjectId, new Uri(receiver.Url, "/token")).Json);

        var outcome = await fcm.SendAsync(FcmHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("token endpoint answered 400 invalid_grant"), outcome);
        Assert.Empty(fcm.Receiver.Received);
    }
}
