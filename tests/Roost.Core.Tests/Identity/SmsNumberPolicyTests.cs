using Roost.Core.Identity;

namespace Roost.Core.Tests.Identity;

public sealed class SmsNumberPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("+14155552671", "+14155552671", "US")]
    [InlineData("+1 (415) 555-2671", "+14155552671", "US")]
    [InlineData("0044 7400 123456", "+447400123456", "GB")]
    [InlineData("+49.151.23456789", "+4915123456789", "DE")]
    public void Mobile_numbers_are_accepted_in_e164_form_with_their_country(string input, string phone, string country)
    {
        var outcome = new SmsNumberPolicy(SmsCountryRules.Everywhere).Check(input);

        Assert.True(outcome.IsSuccess);
        Assert.Equal(new SmsDestination(phone, country), outcome.Value);
    }

    [Theory]
    [InlineData("+999123456789")]
    [InlineData("+10000000000")]
    [InlineData("+447700900123")]
    [InlineData("+442079460000")]
    [InlineData("+18005550199")]
    [InlineData("+19005550100")]
    [InlineData("+14155552671 ext 5")]
    [InlineData("4155552671")]
    [InlineData(null)]
    public void Numbers_that_do_not_exist_or_cannot_take_sms_are_refused_naming_phone(string? input)
    {
        var outcome = new SmsNumberPolicy(SmsCountryRules.Everywhere).Check(input);

        Assert.False(outcome.IsSuccess);
        Assert.Equal("validation_failed", outcome.Error.Code);
        Assert.True(outcome.Error.FieldErrors!.ContainsKey("phone"));
    }

    [Fact]
    public void Deny_wins_over_allow_and_entries_match_by_region_or_calling_code()
    {
        var policy = new SmsNumberPolicy(new SmsCountryRules
        {
            Allow = SmsCountryRules.ParseCountries("+44, US", out _)!,
            Deny = SmsCountryRules.ParseCountries("gg", out _)!,
        });

        Assert.True(policy.Check("+447400123456").IsSuccess); // GB, by +44
        Assert.False(policy.Check("+447911123456").IsSuccess); // Guernsey: +44 but denied as GG
        Assert.True(policy.Check("+14155552671").IsSuccess); // US
        Assert.False(policy.Check("+4915123456789").IsSuccess); // DE: not allowed
    }

    [Theory]
    [InlineData("Narnia")]
    [InlineData("+999")]
    [InlineData("XX")]
    public void Unknown_countries_in_a_list_are_a_configuration_problem(string entry)
    {
        Assert.Null(SmsCountryRules.ParseCountries("GB, " + entry, out var problem));
        Assert.Contains(entry, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_country_budget_refuses_at_its_limit_until_the_oldest_send_leaves_the_hour()
    {
        var budget = new SmsNumberPolicy(new SmsCountryRules { SendsPerHour = 2, SendsPerHourByRegion = new Dictionary<string, int> { ["GB"] = 0 } });
        DateTimeOffset[] sends = [Now.AddMinutes(-50), Now.AddMinutes(-10), Now.AddMinutes(-70)];

        Assert.Null(budget.BudgetFor("US").RetryAfter(sends[..1], Now));
        Assert.Equal(TimeSpan.FromMinutes(10), budget.BudgetFor("US").RetryAfter(sends, Now));
        Assert.Equal(CountryBudget.Window, budget.BudgetFor("GB").RetryAfter([], Now));
    }

    [Theory]
    [InlineData("+870301234567", PhoneNumbers.PhoneNumberType.MOBILE)] // Inmarsat
    [InlineData("+881612345678", PhoneNumbers.PhoneNumberType.MOBILE)] // Iridium
    [InlineData("+8823421234", PhoneNumbers.PhoneNumberType.MOBILE)] // international networks
    [InlineData("+883510012345", PhoneNumbers.PhoneNumberType.VOIP)]
    [InlineData("+878101234567890", PhoneNumbers.PhoneNumberType.VOIP)]
    public void Non_geographic_numbers_that_take_sms_are_region_001_and_refused_unless_allowed_by_name(string phone, PhoneNumbers.PhoneNumberType type)
    {
        Assert.True(PhoneNumber.TryParse(phone, out var parsed));
        Assert.Equal((PhoneNumber.NonGeographicRegion, type), (parsed.Region, parsed.Type));

        Assert.False(new SmsNumberPolicy(SmsCountryRules.Everywhere).Check(phone).IsSuccess);
        Assert.False(new SmsNumberPolicy(new SmsCountryRules { Allow = SmsCountryRules.ParseCountries("US, GB", out _)! }).Check(phone).IsSuccess);

        var allowed = new SmsNumberPolicy(new SmsCountryRules { Allow = SmsCountryRules.ParseCountries("US, 001", out _)! }).Check(phone);
        Assert.Equal(new SmsDestination(phone, PhoneNumber.NonGeographicRegion), allowed.Value);
        var byCode = "+" + parsed.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(new SmsNumberPolicy(new SmsCountryRules { Allow = SmsCountryRules.ParseCountries(byCode, out _)! }).Check(phone).IsSuccess);
    }

    [Fact]
    public void The_001_entry_means_non_geographic_numbers_not_the_calling_code_1()
    {
        Assert.Equal("001", SmsCountryRules.ParseCountry("001"));
        Assert.Equal("+1", SmsCountryRules.ParseCountry("1"));

        var policy = new SmsNumberPolicy(new SmsCountryRules { Deny = SmsCountryRules.ParseCountries("001", out _)! });
        Assert.True(policy.Check("+14155552671").IsSuccess);
        Assert.False(new SmsNumberPolicy(new SmsCountryRules
        {
            Allow = SmsCountryRules.ParseCountries("001", out _)!,
            Deny = SmsCountryRules.ParseCountries("001", out _)!,
        }).Check("+870301234567").IsSuccess);
    }

    [Fact]
    public void The_total_budget_refuses_at_its_limit_whatever_the_countries()
    {
        var policy = new SmsNumberPolicy(new SmsCountryRules { SendsPerHourTotal = 2 });
        DateTimeOffset[] sends = [Now.AddMinutes(-50), Now.AddMinutes(-10)];

        Assert.Equal(2, policy.TotalBudget.Limit);
        Assert.Null(policy.TotalBudget.RetryAfter(sends[..1], Now));
        Assert.Equal(TimeSpan.FromMinutes(10), policy.TotalBudget.RetryAfter(sends, Now));
    }
}
