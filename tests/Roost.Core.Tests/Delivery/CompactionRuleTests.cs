using Roost.Core.Delivery;

namespace Roost.Core.Tests.Delivery;

public sealed class CompactionRuleTests
{
    private static readonly DateTimeOffset Cutoff = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_horizon_rises_over_the_unbroken_run_of_expired_events()
    {
        Assert.Equal(3, CompactionRule.NewHorizon([(1, Cutoff.AddDays(-3)), (2, Cutoff.AddDays(-2)), (3, Cutoff.AddSeconds(-1)), (4, Cutoff)], Cutoff));
    }

    [Fact]
    public void A_younger_event_stops_the_horizon_even_when_older_ones_follow_it()
    {
        Assert.Equal(1, CompactionRule.NewHorizon([(1, Cutoff.AddDays(-3)), (2, Cutoff.AddDays(1)), (3, Cutoff.AddDays(-2))], Cutoff));
    }

    [Fact]
    public void Nothing_expired_at_the_start_leaves_the_horizon_where_it_is()
    {
        Assert.Null(CompactionRule.NewHorizon([(5, Cutoff), (6, Cutoff.AddDays(-1))], Cutoff));
        Assert.Null(CompactionRule.NewHorizon([], Cutoff));
    }
}
