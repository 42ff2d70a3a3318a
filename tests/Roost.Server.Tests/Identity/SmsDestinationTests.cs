using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Identity;

/// <summary>
/// Which numbers are sent a paid SMS: numbers that exist, of a type that takes SMS, in a served country with budget
/// left. SMS goes to a local fake Twilio, which records every send.
/// </summary>
public sealed class SmsDestinationTests : IAsyncLifetime
{
    private const string UsMobile = "+14155552671";
    private const string UkMobile = "+447400123456";
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeTwilio _twilio = null!;

    public async ValueTask InitializeAsync() => _twilio = await FakeTwilio.StartAsync();

    public async ValueTask DisposeAsync() => await _twilio.DisposeAsync();

    [Theory]
    [InlineData("+999123456789")]
    [InlineData("+10000000000")]
    [InlineData("+447700900123")]
    public async Task A_number_that_does_not_exist_gets_400_naming_phone_and_no_sms(string phone)
    {
        await using var instance = await StartAsync();
        using var client = instance.CreateClient();

        var failure = await client.SendPhoneCodeAsync(phone).ShouldFailAsync("validation_failed");

        Assert.Equal(HttpStatusCode.BadRequest, failure.Status);
        Assert.True(failure.Errors.ContainsKey("phone"));
        Assert.Empty(_twilio.Requests);
    }

    [Theory]
    [InlineData("+442079460000")]
    [InlineData("+4930123456")]
    [InlineData("+18005550199")]
    [InlineData("+19005550100")]
    public async Task Fixed_line_toll_free_and_premium_rate_numbers_are_refused(string phone)
    {
        await using var instance = await StartAsync();
        using var client = instance.CreateClient();

        var failure = await client.SendPhoneCodeAsync(phone).ShouldFailAsync("validation_failed");

        Assert.True(failure.Errors.ContainsKey("phone"));
        Assert.Empty(_twilio.Requests);
    }

    [Fact]
    public async Task Mobile_numbers_are_sent_a_code_in_e164_form()
    {
        await using var instance = await StartAsync();
        using var client = instance.CreateClient();

        await client.SendPhoneCodeAsync("+44 7400 123456").DefaultTimeout();
        await client.SendPhoneCodeAsync("+1 (415) 555-2671").DefaultTimeout();

        Assert.Equal([UkMobile, UsMobile], _twilio.Requests.Select(r => r.Form["To"]));
    }

    [Fact]
    public async Task A_deny_listed_country_is_refused_and_others_are_served()
    {
        await using var instance = await StartAsync(new() { ["Roost:Identity:SmsCountries:Deny"] = "GB" });
        using var client = instance.CreateClient();

        var failure = await client.SendPhoneCodeAsync(UkMobile).ShouldFailAsync("validation_failed");
        await client.SendPhoneCodeAsync(UsMobile).DefaultTimeout();

        Assert.True(failure.Errors.ContainsKey("phone"));
        Assert.Equal([UsMobile], _twilio.Requests.Select(r => r.Form["To"]));
    }

    [Fact]
    public async Task With_an_allow_list_only_its_countries_are_served()
    {
        await using var instance = await StartAsync(new() { ["Roost:Identity:SmsCountries:Allow"] = "US, +49" });
        using var client = instance.CreateClient();

        await client.SendPhoneCodeAsync(UkMobile).ShouldFailAsync("validation_failed");
        await client.SendPhoneCodeAsync(UsMobile).DefaultTimeout();
        await client.SendPhoneCodeAsync("+4915123456789").DefaultTimeout();

        Assert.Equal([UsMobile, "+4915123456789"], _twilio.Requests.Select(r => r.Form["To"]));
    }

    [Fact]
    public async Task A_country_budget_stops_sends_survives_a_restart_and_refills_after_the_hour()
    {
        await using var instance = await StartAsync(new()
        {
            ["Roost:Identity:SmsCountries:SendsPerHour"] = "3",
            ["Roost:Identity:SmsCountries:SendsPerHourByRegion"] = "GB=1",
        });
        using (var client = instance.CreateClient())
        {
            for (var i = 0; i < 3; i++)
            {
                await client.SendPhoneCodeAsync($"+1415555010{i}").DefaultTimeout();
                _clock.Advance(TimeSpan.FromMinutes(1));
            }

            var limited = await client.SendPhoneCodeAsync("+14155550109").ShouldFailAsync("rate_limited");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
            Assert.Equal(TimeSpan.FromMinutes(57), limited.RetryAfter);

            // Another country has its own budget (here an override of one).
            await client.SendPhoneCodeAsync(UkMobile).DefaultTimeout();
            await client.SendPhoneCodeAsync("+447400123457").ShouldFailAsync("rate_limited");
        }

        await instance.RestartAsync();
        using (var client = instance.CreateClient())
        {
            await client.SendPhoneCodeAsync("+14155550109").ShouldFailAsync("rate_limited");
            Assert.Equal(4, _twilio.Requests.Count);

            // The first send leaves the hour: one more goes.
            _clock.Advance(TimeSpan.FromMinutes(57));
            await client.SendPhoneCodeAsync("+14155550109").DefaultTimeout();
            await client.SendPhoneCodeAsync("+14155550108").ShouldFailAsync("rate_limited");
        }
    }

    [Fact]
    public async Task A_send_the_provider_refused_does_not_use_the_country_budget()
    {
        await using var instance = await StartAsync(new() { ["Roost:Identity:SmsCountries:SendsPerHour"] = "1" });
        using var client = instance.CreateClient();
        _twilio.Script(HttpStatusCode.BadRequest, """{"code":21211,"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}""");

        await client.SendPhoneCodeAsync("+14155550201").ShouldFailAsync("validation_failed");
        await client.SendPhoneCodeAsync("+14155550202").DefaultTimeout();

        await client.SendPhoneCodeAsync("+14155550203").ShouldFailAsync("rate_limited");
    }

    [Theory]
    [InlineData("+870301234567")] // Inmarsat mobile
    [InlineData("+881612345678")] // Iridium mobile
    [InlineData("+883510012345")] // non-geographic VoIP
    public async Task Non_geographic_numbers_are_refused_unless_001_is_allowed_and_have_their_own_budget(string phone)
    {
        await using (var everywhere = await StartAsync())
        using (var client = everywhere.CreateClient())
        {
            var failure = await client.SendPhoneCodeAsync(phone).ShouldFailAsync("validation_failed");
            Assert.True(failure.Errors.ContainsKey("phone"));
            Assert.Empty(_twilio.Requests);
        }

        await using var allowed = await StartAsync(new()
        {
            ["Roost:Identity:SmsCountries:Allow"] = "US, 001",
            ["Roost:Identity:SmsCountries:SendsPerHourByRegion"] = "001=1",
        });
        using var allowedClient = allowed.CreateClient();
        await allowedClient.SendPhoneCodeAsync(phone).DefaultTimeout();
        await allowedClient.SendPhoneCodeAsync("+8823421234").ShouldFailAsync("rate_limited");

        // 001 is not +1: North America is still served, on its own budget.
        await allowedClient.SendPhoneCodeAsync(UsMobile).DefaultTimeout();
        Assert.Equal([phone, UsMobile], _twilio.Requests.Select(r => r.Form["To"]));
    }

    [Fact]
    public async Task The_total_budget_stops_sends_to_every_country_until_the_oldest_leaves_the_hour()
    {
        await using var instance = await StartAsync(new() { ["Roost:Identity:SmsCountries:SendsPerHourTotal"] = "2" });
        using var client = instance.CreateClient();
        await client.SendPhoneCodeAsync(UsMobile).DefaultTimeout();
        _clock.Advance(TimeSpan.FromMinutes(10));
        await client.SendPhoneCodeAsync(UkMobile).DefaultTimeout();

        var limited = await client.SendPhoneCodeAsync("+4915123456789").ShouldFailAsync("rate_limited");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromMinutes(50), limited.RetryAfter);

        await instance.RestartAsync();
        using var restarted = instance.CreateClient();
        await restarted.SendPhoneCodeAsync("+4915123456789").ShouldFailAsync("rate_limited");
        _clock.Advance(TimeSpan.FromMinutes(50));
        await restarted.SendPhoneCodeAsync("+4915123456789").DefaultTimeout();
        Assert.Equal(3, _twilio.Requests.Count);
    }

    [Fact]
    public async Task A_send_that_may_have_reached_twilio_keeps_its_country_slot()
    {
        await using var instance = await StartAsync(new() { ["Roost:Identity:SmsCountries:SendsPerHour"] = "1" });
        using var client = instance.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            _twilio.Script(HttpStatusCode.BadGateway);
        }

        await client.SendPhoneCodeAsync("+14155550201").ShouldFailAsync("sms_unavailable");

        // Four POSTs Twilio may have taken (and billed): the slot stays used.
        await client.SendPhoneCodeAsync("+14155550202").ShouldFailAsync("rate_limited");
        Assert.Equal(4, _twilio.Requests.Count);
    }

    private Task<RoostInstance> StartAsync(Dictionary<string, string>? overrides = null)
    {
        var settings = RoostInstance.TwilioSettings(_twilio);
        settings["Roost:Identity:SendsPerNumber:PermitLimit"] = "100";
        settings["Roost:Identity:SendsPerIp:PermitLimit"] = "100";
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return RoostInstance.StartAsync(settings, _clock);
    }
}
