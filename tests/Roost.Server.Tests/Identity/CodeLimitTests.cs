using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Identity;

/// <summary>Sending limits and expiry, with a manual clock: limits reset as configured, without waiting.</summary>
public sealed class CodeLimitTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeTwilio _twilio = null!;
    private RoostInstance _instance = null!;

    public async ValueTask InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        var settings = RoostInstance.TwilioSettings(_twilio);
        settings["Roost:Identity:SendsPerNumber:PermitLimit"] = "3";
        settings["Roost:Identity:SendsPerNumber:Window"] = "00:10:00";
        settings["Roost:Identity:SendsPerNumber:Backoff"] = "00:10:00";
        settings["Roost:Identity:SendsPerIp:PermitLimit"] = "6";
        _instance = await RoostInstance.StartAsync(settings, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _instance.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task Three_codes_per_number_in_ten_minutes_then_429_then_a_growing_backoff()
    {
        using var client = _instance.CreateClient();
        const string Phone = "+14155550101";
        for (var i = 0; i < 3; i++)
        {
            await client.SendPhoneCodeAsync(Phone).DefaultTimeout();
        }

        var limited = await client.SendPhoneCodeAsync(Phone).ShouldFailAsync("rate_limited");
        Assert.Equal(TimeSpan.FromMinutes(10), limited.RetryAfter);
        Assert.Equal(3, _twilio.Requests.Count);

        // The window passes: one more send; the next must wait twice the backoff.
        _clock.Advance(TimeSpan.FromMinutes(10));
        await client.SendPhoneCodeAsync(Phone).DefaultTimeout();
        var backoff = await client.SendPhoneCodeAsync(Phone).ShouldFailAsync("rate_limited");
        Assert.Equal(TimeSpan.FromMinutes(20), backoff.RetryAfter);

        _clock.Advance(TimeSpan.FromMinutes(20));
        await client.SendPhoneCodeAsync(Phone).DefaultTimeout();
        _clock.Advance(TimeSpan.FromDays(1));
        await client.SendPhoneCodeAsync(Phone).DefaultTimeout();
    }

    [Fact]
    public async Task Parallel_requests_cannot_send_more_codes_than_the_limit()
    {
        using var client = _instance.CreateClient();
        const string Phone = "+14155550501";

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await client.SendPhoneCodeAsync(Phone);
                return "sent";
            }
            catch (Roost.Client.RoostApiException failure)
            {
                return failure.Code;
            }
        })).DefaultTimeout();

        Assert.Equal(3, outcomes.Count(o => o == "sent"));
        Assert.Equal(3, _twilio.Requests.Count(r => r.Form.TryGetValue("To", out var to) && to == Phone));
    }

    [Fact]
    public async Task Codes_sent_from_one_ip_are_limited_across_numbers()
    {
        using var client = _instance.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            await client.SendPhoneCodeAsync($"+1415555020{i}").DefaultTimeout();
        }

        var limited = await client.SendPhoneCodeAsync("+14155550299").ShouldFailAsync("rate_limited");

        Assert.NotNull(limited.RetryAfter);
    }

    [Fact]
    public async Task A_code_expires_after_five_minutes()
    {
        using var client = _instance.CreateClient();
        const string Phone = "+14155550301";
        await client.SendPhoneCodeAsync(Phone).DefaultTimeout();
        var code = _twilio.LastCodeTo(Phone);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await client.PhoneSignInAsync(Phone, code).ShouldFailAsync("invalid_code");
    }

    [Fact]
    public async Task An_sms_provider_outage_answers_503_not_500()
    {
        for (var i = 0; i < 4; i++)
        {
            _twilio.Script(System.Net.HttpStatusCode.ServiceUnavailable);
        }

        using var client = _instance.CreateClient();

        var failure = await client.SendPhoneCodeAsync("+14155550401").ShouldFailAsync("sms_unavailable");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, failure.Status);
        Assert.NotNull(failure.RetryAfter);
    }
}
