using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Identity;
using Roost.Server.Options;
using Roost.Server.Sms;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Identity;

/// <summary>The Twilio client against a local server that speaks Twilio's wire format.</summary>
public sealed class TwilioClientTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeTwilio _twilio = null!;

    public async ValueTask InitializeAsync() => _twilio = await FakeTwilio.StartAsync();

    public async ValueTask DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task A_message_is_a_form_post_to_the_account_with_basic_auth()
    {
        var client = Client();

        await client.SendMessageAsync("+14155552671", "Your Roost code is 123456.", CancellationToken.None).DefaultTimeout();

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")), request.Authorization);
        Assert.Equal("+14155552671", request.Form["To"]);
        Assert.Equal("+15005550006", request.Form["From"]);
        Assert.Equal("Your Roost code is 123456.", request.Form["Body"]);
    }

    [Fact]
    public async Task A_messaging_service_replaces_the_sender_number()
    {
        var client = Client(o => o with { MessagingServiceSid = "MG123", FromNumber = "" });

        await client.SendMessageAsync("+14155552671", "hi", CancellationToken.None).DefaultTimeout();

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal("MG123", request.Form["MessagingServiceSid"]);
        Assert.False(request.Form.ContainsKey("From"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Transient_failures_are_retried_until_one_succeeds(HttpStatusCode failure)
    {
        _twilio.Script(failure);
        _twilio.Script(failure);
        var client = Client();

        await client.SendMessageAsync("+14155552671", "hi", CancellationToken.None).DefaultTimeout();

        Assert.Equal(3, _twilio.Requests.Count);
    }

    [Fact]
    public async Task A_refused_number_is_a_client_error_and_is_not_retried()
    {
        _twilio.Script(HttpStatusCode.BadRequest, """{"code":21211,"message":"The 'To' number +1000 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}""");
        var client = Client();

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+1000", "hi", CancellationToken.None)).DefaultTimeout();

        Assert.True(failure.IsClientError);
        Assert.True(failure.NothingSent);
        Assert.Contains("21211", failure.Message, StringComparison.Ordinal);
        Assert.Single(_twilio.Requests);
    }

    [Fact]
    public async Task Refused_credentials_are_not_a_client_error_but_nothing_was_sent()
    {
        _twilio.Script(HttpStatusCode.Unauthorized);
        var client = Client();

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "hi", CancellationToken.None)).DefaultTimeout();

        Assert.Equal((false, true), (failure.IsClientError, failure.NothingSent));
    }

    [Fact]
    public async Task A_refusal_after_a_server_error_may_still_have_sent_the_earlier_attempt()
    {
        _twilio.Script(HttpStatusCode.BadGateway);
        _twilio.Script(HttpStatusCode.BadRequest);
        var client = Client();

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "hi", CancellationToken.None)).DefaultTimeout();

        Assert.True(failure.IsClientError);
        Assert.False(failure.NothingSent);
        Assert.Equal(2, _twilio.Requests.Count);
    }

    [Fact]
    public async Task A_connection_that_cannot_be_made_sent_nothing()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        listener.Stop();
        var client = Client(o => o with { ApiBaseUrl = closed.ToString(), MaxRetries = 1, BreakerMinimumCalls = 100 });

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "hi", CancellationToken.None)).DefaultTimeout();

        Assert.Equal((false, true), (failure.IsClientError, failure.NothingSent));
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_after_the_retries()
    {
        for (var i = 0; i < 4; i++)
        {
            _twilio.Script(HttpStatusCode.BadGateway);
        }

        var client = Client(o => o with { BreakerMinimumCalls = 100 });

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "hi", CancellationToken.None)).DefaultTimeout();

        Assert.False(failure.IsClientError);
        Assert.False(failure.NothingSent);
        Assert.Equal(4, _twilio.Requests.Count); // the first try and three retries
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_closes_after_a_successful_probe()
    {
        var client = Client(o => o with { MaxRetries = 0, BreakerMinimumCalls = 2, BreakerFailureRatio = 0.5, BreakerBreakDuration = TimeSpan.FromSeconds(30) });
        _twilio.Script(HttpStatusCode.InternalServerError);
        _twilio.Script(HttpStatusCode.InternalServerError);
        await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "1", CancellationToken.None)).DefaultTimeout();
        await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "2", CancellationToken.None)).DefaultTimeout();

        // Open: refused without reaching Twilio.
        var open = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "3", CancellationToken.None)).DefaultTimeout();
        Assert.Contains("circuit is open", open.Message, StringComparison.Ordinal);
        Assert.True(open.NothingSent);
        Assert.Equal(2, _twilio.Requests.Count);

        // After the break, one probe goes through; it succeeds, so the circuit closes.
        _clock.Advance(TimeSpan.FromSeconds(31));
        await client.SendMessageAsync("+14155552671", "probe", CancellationToken.None).DefaultTimeout();
        await client.SendMessageAsync("+14155552671", "after", CancellationToken.None).DefaultTimeout();
        Assert.Equal(4, _twilio.Requests.Count);
    }

    [Fact]
    public async Task A_slow_answer_times_out()
    {
        _twilio.Script(HttpStatusCode.Created, "{}", delay: TimeSpan.FromSeconds(20));
        var client = Client(o => o with { MaxRetries = 0, Timeout = TimeSpan.FromMilliseconds(300) });

        var failure = await Assert.ThrowsAsync<SmsDeliveryException>(() => client.SendMessageAsync("+14155552671", "hi", CancellationToken.None)).DefaultTimeout();

        // Twilio may have taken the message before the answer was given up on.
        Assert.False(failure.IsClientError);
        Assert.False(failure.NothingSent);
    }

    [Fact]
    public async Task The_verify_api_starts_and_checks_verifications()
    {
        var client = Client(o => o with { VerifyServiceSid = FakeTwilio.VerifyServiceSid });

        await client.StartVerificationAsync("+14155552671", CancellationToken.None).DefaultTimeout();
        var code = _twilio.VerifyCodeFor("+14155552671");
        var wrong = await client.CheckVerificationAsync("+14155552671", code == "000000" ? "111111" : "000000", CancellationToken.None).DefaultTimeout();
        var right = await client.CheckVerificationAsync("+14155552671", code, CancellationToken.None).DefaultTimeout();
        var again = await client.CheckVerificationAsync("+14155552671", code, CancellationToken.None).DefaultTimeout();

        Assert.Equal($"/v2/Services/{FakeTwilio.VerifyServiceSid}/Verifications", _twilio.Requests.First().Path);
        Assert.Equal("sms", _twilio.Requests.First().Form["Channel"]);
        Assert.Equal((false, true, false), (wrong, right, again));
    }

    private TwilioClient Client(Func<TwilioOptions, TwilioOptions>? adjust = null)
    {
        var options = new TwilioOptions
        {
            AccountSid = FakeTwilio.AccountSid,
            AuthToken = FakeTwilio.AuthToken,
            FromNumber = "+15005550006",
            ApiBaseUrl = _twilio.BaseAddress.ToString(),
            VerifyBaseUrl = _twilio.BaseAddress.ToString(),
            RetryBaseDelay = TimeSpan.Zero,
            Timeout = TimeSpan.FromSeconds(10),
        };
        options = adjust?.Invoke(options) ?? options;
        return new TwilioClient(new HttpClient(), options, _clock, NullLogger<TwilioClient>.Instance);
    }
}
