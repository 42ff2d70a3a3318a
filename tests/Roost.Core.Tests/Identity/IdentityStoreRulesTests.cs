using Roost.Core.Identity;

namespace Roost.Core.Tests.Identity;

/// <summary>The decisions every identity store engine asks Core for: sending limits, attempts, phone holders and TOTP steps.</summary>
public sealed class IdentityStoreRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SendThrottle OnePerMinute = new(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    private static readonly SendThrottle Loose = new(100, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    private static readonly CountryBudget Country = new("GB", 1);
    private static readonly CountryBudget Total = new(CountryBudget.AllCountries, 100);

    [Fact]
    public void A_send_is_allowed_only_when_every_limit_allows_it_and_otherwise_waits_for_the_longest()
    {
        var justNow = new[] { Now.AddSeconds(-10) };

        var none = CodeSendRules.RetryAfter(new SendHistory([], [], [], []), OnePerMinute, OnePerMinute, Country, Total, Now);
        var ipOnly = CodeSendRules.RetryAfter(new SendHistory([], justNow, [], []), Loose, OnePerMinute, new CountryBudget("GB", 100), Total, Now);
        var ipAndCountry = CodeSendRules.RetryAfter(new SendHistory([], justNow, justNow, justNow), Loose, OnePerMinute, Country, Total, Now);

        Assert.Null(none);
        Assert.Equal(TimeSpan.FromSeconds(50), ipOnly);
        Assert.Equal(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(10), ipAndCountry);
    }

    [Fact]
    public void The_limits_look_back_a_day_per_number_and_ip_and_an_hour_per_country_and_bookkeeping_older_than_a_day_goes()
    {
        Assert.Equal(Now.AddDays(-1), CodeSendRules.ThrottleSince(Now));
        Assert.Equal(Now.AddHours(-1), CodeSendRules.BudgetSince(Now));
        Assert.Equal(Now.AddDays(-1), CodeSendRules.PruneBefore(Now));
    }

    [Fact]
    public void A_code_that_retires_all_purposes_inherits_the_most_attempts_any_live_code_used()
    {
        Assert.Equal(3, CodeSendRules.InheritedAttempts([1, 3, 2]));
        Assert.Equal(0, CodeSendRules.InheritedAttempts([]));
    }

    [Fact]
    public void An_attempt_is_counted_only_on_a_live_code_with_attempts_left()
    {
        Assert.True(AttemptRules.MayAttempt(4, 5, Now.AddSeconds(1), Now));
        Assert.False(AttemptRules.MayAttempt(5, 5, Now.AddSeconds(1), Now));
        Assert.False(AttemptRules.MayAttempt(0, 5, Now, Now));
        Assert.Equal(Now.AddDays(-1), AttemptRules.ChallengePruneBefore(Now));
    }

    [Fact]
    public void A_number_is_taken_only_when_free_or_already_held_and_a_totp_step_works_once()
    {
        Assert.True(FactorRules.MayTake(null, 1));
        Assert.True(FactorRules.MayTake(1, 1));
        Assert.False(FactorRules.MayTake(2, 1));
        Assert.True(FactorRules.MayReplaceTotp(confirmed: false));
        Assert.False(FactorRules.MayReplaceTotp(confirmed: true));
        Assert.True(FactorRules.IsUnusedStep(10, 11));
        Assert.False(FactorRules.IsUnusedStep(10, 10));
        Assert.False(FactorRules.IsUnusedStep(10, 9));
    }
}
