using Roost.Core.Push;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class FcmOutcomeTests
{
    [Fact]
    public async Task UNREGISTERED_gives_target_gone()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.Unregistered);

        Assert.Equal(PushOutcome.Gone("UNREGISTERED"), await fcm.SendAsync(FcmHarness.Delivery()));
    }

    [Fact]
    public async Task SENDER_ID_MISMATCH_gives_target_gone()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.SenderIdMismatch);

        Assert.Equal(PushOutcome.Gone("SENDER_ID_MISMATCH"), await fcm.SendAsync(FcmHarness.Delivery()));
    }

    [Fact]
    public async Task INVALID_ARGUMENT_about_the_registration_token_gives_target_gone()
    {
        // Not scripted: the receiver itself refuses a token FCM could never have issued.
        await using var fcm = await FcmHarness.StartAsync();

        var outcome = await fcm.SendAsync(FcmHarness.Delivery(token: "not a token!"));

        Assert.Equal(PushOutcomeKind.TargetGone, outcome.Kind);
        Assert.StartsWith("INVALID_ARGUMENT", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task INVALID_ARGUMENT_about_anything_else_is_rejected()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.InvalidArgument("Invalid value at 'message.android.ttl'", "message.android.ttl"));

        Assert.Equal(PushOutcome.Rejected("INVALID_ARGUMENT"), await fcm.SendAsync(FcmHarness.Delivery()));
    }

    [Fact]
    public async Task QUOTA_EXCEEDED_gives_retry_after_the_services_retry_after()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.QuotaExceeded(TimeSpan.FromSeconds(7)));

        Assert.Equal(PushOutcome.Retry("QUOTA_EXCEEDED", TimeSpan.FromSeconds(7)), await fcm.SendAsync(FcmHarness.Delivery()));
    }

    [Fact]
    public async Task UNAVAILABLE_and_INTERNAL_fail_the_partition_with_the_retry_after()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.Unavailable with { RetryAfter = TimeSpan.FromSeconds(30) });
        fcm.Receiver.RespondNext(FcmError.Internal);

        Assert.Equal(PushOutcome.PartitionFailed("UNAVAILABLE", TimeSpan.FromSeconds(30)), await fcm.SendAsync(FcmHarness.Delivery()));
        Assert.Equal(PushOutcome.PartitionFailed("INTERNAL"), await fcm.SendAsync(FcmHarness.Delivery()));
    }

    [Fact]
    public async Task A_revoked_access_token_is_renewed_once_and_the_push_goes_through()
    {
        await using var fcm = await FcmHarness.StartAsync();
        await fcm.SendAsync(FcmHarness.Delivery());
        fcm.Receiver.RevokeAccessTokens();

        var outcome = await fcm.SendAsync(FcmHarness.Delivery());

        Assert.Equal(PushOutcome.Accepted, outcome);
        Assert.Equal(2, fcm.Receiver.TokensIssued);
        Assert.Equal(2, fcm.Receiver.Received.Select(received => received.AccessToken).Distinct().Count());
    }

    [Fact]
    public async Task A_second_401_fails_the_partition_after_exactly_one_renewal()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.Unauthenticated);
        fcm.Receiver.RespondNext(FcmError.Unauthenticated);

        var outcome = await fcm.SendAsync(FcmHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("UNAUTHENTICATED"), outcome);
        Assert.Equal(2, fcm.Receiver.TokensIssued);
    }

    [Fact]
    public async Task THIRD_PARTY_AUTH_ERROR_fails_the_partition_without_renewing_the_token()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.RespondNext(FcmError.ThirdPartyAuth);

        Assert.Equal(PushOutcome.PartitionFailed("THIRD_PARTY_AUTH_ERROR"), await fcm.SendAsync(FcmHarness.Delivery()));
        Assert.Equal(1, fcm.Receiver.TokensIssued);
    }

    [Fact]
    public async Task A_failing_token_endpoint_fails_the_partition_until_it_answers_again()
    {
        await using var fcm = await FcmHarness.StartAsync();
        fcm.Receiver.FailTokenEndpoint();

        var failed = await fcm.SendAsync(FcmHarness.Delivery());
        fcm.Receiver.FailTokenEndpoint(failing: false);
        var recovered = await fcm.SendAsync(FcmHarness.Delivery());

        Assert.Equal(PushOutcomeKind.PartitionFailure, failed.Kind);
        Assert.StartsWith("token endpoint", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(PushOutcome.Accepted, recovered);
        Assert.Single(fcm.Receiver.Received);
    }

    [Fact]
    public async Task A_cancelled_caller_gets_an_OperationCanceledException()
    {
        await using var fcm = await FcmHarness.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fcm.Sender.SendAsync(FcmHarness.Delivery(), new CancellationToken(canceled: true))).DefaultTimeout();
    }
}
