using Roost.Core.Push;

namespace Roost.Push.Tests;

public sealed class ApnsOutcomeTests
{
    [Fact]
    public async Task Unregistered_gives_target_gone_with_the_timestamp_read_as_milliseconds()
    {
        await using var apns = await ApnsHarness.StartAsync();
        var invalidatedAt = new DateTimeOffset(2025, 12, 31, 10, 0, 0, 123, TimeSpan.Zero);
        apns.Production.Unregister(ApnsHarness.DeviceToken, invalidatedAt);

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.Gone("Unregistered", invalidatedAt), outcome);
    }

    [Theory]
    [InlineData("BadDeviceToken")]
    [InlineData("DeviceTokenNotForTopic")]
    [InlineData("TopicDisallowed")]
    public async Task A_400_about_the_device_token_gives_target_gone_without_a_timestamp(string reason)
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Production.RespondNext(ApnsHarness.DeviceToken, 400, reason);

        Assert.Equal(PushOutcome.Gone(reason), await apns.SendAsync(ApnsHarness.Delivery()));
    }

    [Fact]
    public async Task A_topic_apns_does_not_know_is_rejected()
    {
        // The sender is configured for a topic the receiver's key does not cover: the receiver's own check answers.
        await using var apns = await ApnsHarness.StartAsync(senderTopics: [ApnsHarness.Topic, "com.example.other"]);

        Assert.Equal(PushOutcome.Rejected("BadTopic"), await apns.SendAsync(ApnsHarness.Delivery(app: "com.example.other")));
    }

    [Fact]
    public async Task TooManyRequests_to_one_device_gives_retry_with_the_retry_after()
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Production.RespondNext(ApnsHarness.DeviceToken, 429, "TooManyRequests", retryAfter: TimeSpan.FromSeconds(30));

        Assert.Equal(PushOutcome.Retry("TooManyRequests", TimeSpan.FromSeconds(30)), await apns.SendAsync(ApnsHarness.Delivery()));
    }

    [Fact]
    public async Task TooManyProviderTokenUpdates_fails_the_partition()
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Production.RespondNext(null, 429, "TooManyProviderTokenUpdates");

        Assert.Equal(PushOutcomeKind.PartitionFailure, (await apns.SendAsync(ApnsHarness.Delivery())).Kind);
    }

    [Fact]
    public async Task A_failing_service_fails_the_partition_with_its_retry_after_until_it_recovers()
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Production.FailTopic(ApnsHarness.Topic, retryAfter: TimeSpan.FromSeconds(60));

        var failed = await apns.SendAsync(ApnsHarness.Delivery());
        apns.Production.FailTopic(ApnsHarness.Topic, failing: false);
        var recovered = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("ServiceUnavailable", TimeSpan.FromSeconds(60)), failed);
        Assert.Equal(PushOutcome.Accepted, recovered);
    }

    [Fact]
    public async Task Another_403_fails_the_partition_without_renewing_the_token()
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Time.Advance(TimeSpan.FromMinutes(30));
        apns.Production.RespondNext(null, 403, "InvalidProviderToken");

        Assert.Equal(PushOutcome.PartitionFailed("InvalidProviderToken"), await apns.SendAsync(ApnsHarness.Delivery()));
        Assert.Single(apns.Production.Attempts);
    }

    [Fact]
    public async Task A_service_that_is_not_there_fails_the_partition_as_unreachable()
    {
        var apns = await ApnsHarness.StartAsync();
        await apns.Production.DisposeAsync();

        try
        {
            Assert.Equal(PushOutcome.PartitionFailed("unreachable"), await apns.SendAsync(ApnsHarness.Delivery()));
        }
        finally
        {
            apns.Sender.Dispose();
            await apns.Sandbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_logs_name_a_device_by_its_first_six_hex_digits_only()
    {
        await using var apns = await ApnsHarness.StartAsync();
        apns.Production.Unregister(ApnsHarness.DeviceToken, DateTimeOffset.UnixEpoch);

        await apns.SendAsync(ApnsHarness.Delivery());

        var line = Assert.Single(apns.Logger.Lines);
        Assert.Contains("410 Unregistered", line, StringComparison.Ordinal);
        Assert.Contains(ApnsHarness.DeviceToken[..6] + "…", line, StringComparison.Ordinal);
        Assert.DoesNotContain(ApnsHarness.DeviceToken[..7], line, StringComparison.Ordinal);
        Assert.DoesNotContain("NEW_MESSAGE", line, StringComparison.Ordinal);
    }
}
