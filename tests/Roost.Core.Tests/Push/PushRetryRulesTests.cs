using Roost.Core.Push;

namespace Roost.Core.Tests.Push;

public sealed class PushRetryRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PushPolicy Policy = new() { RetryBaseDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(5), MaxAttempts = 4 };

    [Fact]
    public void Backoff_doubles_with_jitter_in_its_upper_half_up_to_the_maximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), PushRetryRules.Backoff(1, Policy, 0, null));
        Assert.Equal(TimeSpan.FromSeconds(10), PushRetryRules.Backoff(1, Policy, 1, null));
        Assert.Equal(TimeSpan.FromSeconds(40), PushRetryRules.Backoff(3, Policy, 1, null));
        Assert.Equal(TimeSpan.FromMinutes(5), PushRetryRules.Backoff(30, Policy, 1, null));
    }

    [Fact]
    public void A_providers_retry_after_is_when_the_job_comes_back() =>
        Assert.Equal(TimeSpan.FromSeconds(7), PushRetryRules.Backoff(5, Policy, 1, TimeSpan.FromSeconds(7)));

    [Theory]
    [InlineData(PushOutcomeKind.Accepted, 0, PushCompletionKind.Sent)]
    [InlineData(PushOutcomeKind.TargetGone, 0, PushCompletionKind.TargetGone)]
    [InlineData(PushOutcomeKind.Rejected, 0, PushCompletionKind.Dead)]
    [InlineData(PushOutcomeKind.Retry, 0, PushCompletionKind.Retry)]
    [InlineData(PushOutcomeKind.PartitionFailure, 2, PushCompletionKind.Retry)]
    [InlineData(PushOutcomeKind.Retry, 3, PushCompletionKind.Dead)]
    public void Each_outcome_decides_the_job(PushOutcomeKind outcome, int attemptsBefore, PushCompletionKind expected)
    {
        var job = new PushJob(1, new PushTarget(1, 1, PushPlatform.Fcm, "t", "p", false, false, null, null, Now), 1, 1, 1, 1, attemptsBefore, 0, null, Now);
        var completion = PushRetryRules.Decide(job, new PushOutcome(outcome, "reason"), Policy, Now, 0.5);
        Assert.Equal(expected, completion.Kind);
        if (expected == PushCompletionKind.Sent)
        {
            Assert.Equal(Now + Policy.CoalesceWindow, completion.DueAt);
        }
    }
}
