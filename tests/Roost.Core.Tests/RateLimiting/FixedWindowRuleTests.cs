using Roost.Core.RateLimiting;

namespace Roost.Core.Tests.RateLimiting;

public sealed class FixedWindowRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AttemptWindow ThreePerMinute = new(3, TimeSpan.FromMinutes(1));

    [Fact]
    public void A_first_attempt_opens_a_window_of_the_limits_length()
    {
        var decision = FixedWindowRule.Decide(null, ThreePerMinute, Start);

        Assert.Equal(AttemptTake.Granted, decision.Take);
        Assert.Equal(new AttemptCount(1, Start + TimeSpan.FromMinutes(1)), decision.Write);
    }

    [Fact]
    public void Attempts_below_the_limit_are_counted_in_the_same_window()
    {
        var stored = new AttemptCount(2, Start + TimeSpan.FromMinutes(1));

        var decision = FixedWindowRule.Decide(stored, ThreePerMinute, Start + TimeSpan.FromSeconds(10));

        Assert.True(decision.Take.Allowed);
        Assert.Equal(new AttemptCount(3, stored.WindowEnd), decision.Write);
    }

    [Fact]
    public void At_the_limit_an_attempt_is_refused_with_the_wait_until_the_window_ends_and_nothing_is_written()
    {
        var stored = new AttemptCount(3, Start + TimeSpan.FromMinutes(1));

        var decision = FixedWindowRule.Decide(stored, ThreePerMinute, Start + TimeSpan.FromSeconds(45));

        Assert.Equal(new AttemptTake(false, TimeSpan.FromSeconds(15)), decision.Take);
        Assert.Null(decision.Write);
    }

    [Fact]
    public void An_attempt_at_the_instant_the_window_ends_opens_a_new_window()
    {
        var end = Start + TimeSpan.FromMinutes(1);

        var decision = FixedWindowRule.Decide(new AttemptCount(3, end), ThreePerMinute, end);

        Assert.True(decision.Take.Allowed);
        Assert.Equal(new AttemptCount(1, end + TimeSpan.FromMinutes(1)), decision.Write);
        Assert.True(FixedWindowRule.HasEnded(new AttemptCount(3, end), end));
        Assert.False(FixedWindowRule.HasEnded(new AttemptCount(3, end), end - TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void A_window_keeps_the_length_it_started_with_when_the_setting_changes()
    {
        var stored = new AttemptCount(1, Start + TimeSpan.FromMinutes(1));

        var decision = FixedWindowRule.Decide(stored, new AttemptWindow(3, TimeSpan.FromHours(1)), Start + TimeSpan.FromSeconds(30));

        Assert.Equal(stored.WindowEnd, decision.Write!.WindowEnd);
    }

    [Fact]
    public void A_lower_limit_applies_at_once_to_a_window_already_past_it()
    {
        var stored = new AttemptCount(3, Start + TimeSpan.FromMinutes(1));

        var decision = FixedWindowRule.Decide(stored, new AttemptWindow(1, TimeSpan.FromMinutes(1)), Start);

        Assert.False(decision.Take.Allowed);
    }

    [Theory]
    [InlineData("", 1, 60)]
    [InlineData("key", 0, 60)]
    [InlineData("key", 1, 0)]
    public void Keys_and_limits_no_caller_should_build_are_refused(string key, int permitLimit, int windowSeconds)
    {
        Assert.ThrowsAny<ArgumentException>(() => FixedWindowRule.Check(key, new AttemptWindow(permitLimit, TimeSpan.FromSeconds(windowSeconds))));
    }

    [Fact]
    public void A_key_longer_than_the_maximum_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => FixedWindowRule.Check(new string('k', FixedWindowRule.MaxKeyLength + 1), ThreePerMinute));
        FixedWindowRule.Check(new string('k', FixedWindowRule.MaxKeyLength), ThreePerMinute);
    }
}
