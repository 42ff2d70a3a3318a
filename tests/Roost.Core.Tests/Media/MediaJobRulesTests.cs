using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaJobRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    public void A_job_is_exhausted_once_its_claims_reach_the_maximum(int attempts, bool exhausted) =>
        Assert.Equal(exhausted, MediaJobRules.IsExhausted(attempts, MediaJobRules.MaxAttempts));

    [Fact]
    public void Retries_back_off_by_four_and_stay_bounded()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), MediaJobRules.RetryDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(256), MediaJobRules.RetryDelay(4));
        Assert.Equal(MediaJobRules.RetryDelay(8), MediaJobRules.RetryDelay(1000));
        Assert.Equal(TimeSpan.FromSeconds(4), MediaJobRules.RetryDelay(0));
    }

    [Fact]
    public void A_lease_is_renewed_three_times_per_lease() =>
        Assert.Equal(TimeSpan.FromMinutes(5), MediaJobRules.LeaseRenewal(TimeSpan.FromMinutes(15)));

    [Fact]
    public void A_sweeper_deletes_only_while_its_claim_is_well_inside_the_grace()
    {
        var grace = TimeSpan.FromMinutes(10);
        Assert.True(MediaJobRules.ClaimStillHeld(Now, Now, grace));
        Assert.True(MediaJobRules.ClaimStillHeld(Now, Now.AddMinutes(4), grace));
        Assert.False(MediaJobRules.ClaimStillHeld(Now, Now.AddMinutes(5), grace));
        Assert.False(MediaJobRules.ClaimStillHeld(Now, Now.AddMinutes(11), grace));
    }
}
