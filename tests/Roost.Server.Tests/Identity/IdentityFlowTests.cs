using System.Net;
using Roost.Client;
using Roost.Core.Identity;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Identity;

/// <summary>Whole identity flows over HTTP, with SMS going through the Twilio client to a local Twilio.</summary>
public sealed class IdentityFlowTests : IAsyncLifetime
{
    private static int _nextNumber = 5_550_000;
    private FakeTwilio _twilio = null!;
    private RoostInstance _instance = null!;

    public async ValueTask InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        _instance = await RoostInstance.StartAsync(RoostInstance.TwilioSettings(_twilio));
    }

    public async ValueTask DisposeAsync()
    {
        await _instance.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task A_user_verifies_a_phone_number_with_the_code_sent_by_sms()
    {
        var (client, _, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;
        var phone = NewNumber();

        await client.SendPhoneVerificationCodeAsync(FormatLoosely(phone)).DefaultTimeout();
        await client.ConfirmPhoneAsync(phone, Wrong(_twilio.LastCodeTo(phone)), UserHelpers.Password).ShouldFailAsync("invalid_code");
        var account = await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).DefaultTimeout();

        Assert.Equal(phone, account.Phone);
        Assert.Equal(phone, (await client.GetAccountAsync().DefaultTimeout()).Phone);
    }

    [Fact]
    public async Task A_verified_number_belongs_to_one_account_at_a_time()
    {
        var phone = NewNumber();
        var (first, _, _) = await _instance.RegisterAndLoginAsync();
        var (second, _, _) = await _instance.RegisterAndLoginAsync();
        using var _f = first;
        using var _s = second;
        await first.SendPhoneVerificationCodeAsync(phone).DefaultTimeout();
        await first.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).DefaultTimeout();

        await second.SendPhoneVerificationCodeAsync(phone).DefaultTimeout();
        var failure = await second.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).ShouldFailAsync("phone_in_use");

        Assert.Equal(HttpStatusCode.Conflict, failure.Status);
    }

    [Fact]
    public async Task Signing_up_by_phone_creates_an_account_whose_username_is_then_picked_and_signing_in_again_finds_it()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();

        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        var signUp = await client.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone), "phone").DefaultTimeout();
        var chosen = UserHelpers.UniqueUsername("by_phone");
        var renamed = await client.SetUsernameAsync(chosen).DefaultTimeout();

        using var again = _instance.CreateClient();
        await again.SendPhoneCodeAsync(phone).DefaultTimeout();
        var signIn = await again.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).DefaultTimeout();

        Assert.True(signUp.UsernameRequired);
        Assert.NotNull(signUp.Token);
        Assert.Equal((chosen, phone), (renamed.Username, renamed.Phone));
        Assert.Equal(signUp.AccountId, signIn.AccountId);
        Assert.False(signIn.UsernameRequired);
        Assert.Equal("sms", (await again.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).VerifiedBy);
    }

    [Fact]
    public async Task Asking_for_a_code_answers_the_same_whether_or_not_the_number_has_an_account()
    {
        var registered = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(registered).DefaultTimeout();
        await client.PhoneSignInAsync(registered, _twilio.LastCodeTo(registered)).DefaultTimeout();
        using var http = _instance.CreateHttpClient();

        using var known = await http.PostAsync(new Uri("/v1/phone/codes", UriKind.Relative), Json($$"""{"phone":"{{registered}}"}""")).DefaultTimeout();
        using var unknown = await http.PostAsync(new Uri("/v1/phone/codes", UriKind.Relative), Json($$"""{"phone":"{{NewNumber()}}"}""")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        using var knownBody = System.Text.Json.JsonDocument.Parse(await known.Content.ReadAsStringAsync().DefaultTimeout());
        using var unknownBody = System.Text.Json.JsonDocument.Parse(await unknown.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal(["expiresAt"], knownBody.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["expiresAt"], unknownBody.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_sixth_code_attempt_fails_even_when_right()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        var code = _twilio.LastCodeTo(phone);

        for (var i = 0; i < 5; i++)
        {
            await client.PhoneSignInAsync(phone, Wrong(code)).ShouldFailAsync("invalid_code");
        }

        await client.PhoneSignInAsync(phone, code).ShouldFailAsync("invalid_code");

        // A new code starts a new count.
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        await client.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).DefaultTimeout();
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        var code = _twilio.LastCodeTo(phone);

        await client.PhoneSignInAsync(phone, code).DefaultTimeout();

        await client.PhoneSignInAsync(phone, code).ShouldFailAsync("invalid_code");
    }

    [Fact]
    public async Task Totp_enrolment_then_login_with_password_and_totp_and_a_replayed_code_is_refused()
    {
        var (client, username, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;

        var enrolment = await client.BeginTotpAsync(UserHelpers.Password).DefaultTimeout();
        var secret = AuthenticatorApp.DecodeSecret(enrolment.Secret);
        var confirmStep = Totp.StepAt(DateTimeOffset.UtcNow);
        var recovery = await client.ConfirmTotpAsync(Totp.Compute(secret, confirmStep)).DefaultTimeout();

        Assert.StartsWith($"otpauth://totp/Roost:{username}?secret={enrolment.Secret}", enrolment.OtpAuthUri, StringComparison.Ordinal);
        Assert.StartsWith("iVBORw0KGgo", enrolment.QrCodePng, StringComparison.Ordinal); // PNG signature
        Assert.Equal(10, recovery.RecoveryCodes.Count);
        Assert.Equal((true, false, 10), await StatusAsync(client));

        using var device = _instance.CreateClient();
        var first = await device.LoginAsync(username, UserHelpers.Password, "tablet").DefaultTimeout();
        Assert.Null(first.Token);
        Assert.Equal(["totp", "recovery_code"], first.SecondFactor!.Methods);
        await device.GetDevicesAsync().ShouldFailAsync("unauthorized");

        // The code used to confirm enrolment was consumed: it does not work again.
        await device.CompleteSecondFactorAsync(first.SecondFactor.Challenge, "totp", Totp.Compute(secret, confirmStep)).ShouldFailAsync("invalid_code");
        var completed = await device.CompleteSecondFactorAsync(first.SecondFactor.Challenge, "totp", Totp.Compute(secret, confirmStep + 1)).DefaultTimeout();
        Assert.NotNull(completed.Token);
        Assert.Equal("password+totp", (await device.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).VerifiedBy);

        using var another = _instance.CreateClient();
        var second = await another.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        await another.CompleteSecondFactorAsync(second.SecondFactor!.Challenge, "totp", Totp.Compute(secret, confirmStep + 1)).ShouldFailAsync("invalid_code");
    }

    [Fact]
    public async Task A_recovery_code_works_once_and_regenerating_invalidates_the_old_set()
    {
        var (client, username, secret) = await RegisterWithTotpAsync();
        using var _c = client;
        var codes = (await client.RegenerateRecoveryCodesAsync(UserHelpers.Password).DefaultTimeout()).RecoveryCodes;

        using var first = _instance.CreateClient();
        var challenge = (await first.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
        await first.CompleteSecondFactorAsync(challenge, "recovery_code", codes[0].ToUpperInvariant()).DefaultTimeout();
        Assert.Equal("password+recovery_code", (await first.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).VerifiedBy);

        using var second = _instance.CreateClient();
        var again = (await second.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
        await second.CompleteSecondFactorAsync(again, "recovery_code", codes[0]).ShouldFailAsync("invalid_code");

        var fresh = (await client.RegenerateRecoveryCodesAsync(UserHelpers.Password).DefaultTimeout()).RecoveryCodes;
        await second.CompleteSecondFactorAsync(again, "recovery_code", codes[1]).ShouldFailAsync("invalid_code");
        await second.CompleteSecondFactorAsync(again, "recovery_code", fresh[0]).DefaultTimeout();
        Assert.Equal(9, (await StatusAsync(client)).RecoveryCodesLeft);
        _ = secret;
    }

    [Fact]
    public async Task A_challenge_allows_five_attempts_then_even_the_right_code_is_refused()
    {
        var (client, username, secret) = await RegisterWithTotpAsync();
        using var _c = client;
        using var attacker = _instance.CreateClient();
        var challenge = (await attacker.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
        var right = Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow) + 1);

        for (var i = 0; i < 5; i++)
        {
            await attacker.CompleteSecondFactorAsync(challenge, "totp", Wrong(right)).ShouldFailAsync("invalid_code");
        }

        await attacker.CompleteSecondFactorAsync(challenge, "totp", right).ShouldFailAsync("challenge_invalid");
    }

    [Fact]
    public async Task Sms_as_a_second_factor_for_an_account_with_a_verified_number()
    {
        var (client, username, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;
        var phone = NewNumber();
        await client.EnableSmsFactorAsync(UserHelpers.Password).ShouldFailAsync("phone_required");
        await client.SendPhoneVerificationCodeAsync(phone).DefaultTimeout();
        await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).DefaultTimeout();

        var recovery = await client.EnableSmsFactorAsync(UserHelpers.Password).DefaultTimeout();

        using var device = _instance.CreateClient();
        var challenge = (await device.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!;
        await device.SendSecondFactorSmsAsync(challenge.Challenge).DefaultTimeout();
        await device.CompleteSecondFactorAsync(challenge.Challenge, "sms", _twilio.LastCodeTo(phone)).DefaultTimeout();

        Assert.Equal(10, recovery.RecoveryCodes.Count);
        Assert.Equal(["sms", "recovery_code"], challenge.Methods);
        Assert.Equal("password+sms", (await device.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).VerifiedBy);
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_the_password_and_a_valid_code()
    {
        var (client, username, secret) = await RegisterWithTotpAsync();
        using var _c = client;
        var code = Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow) + 1);

        await client.DisableTwoFactorAsync("wrong password", "totp", code).ShouldFailAsync("invalid_credentials");
        await client.DisableTwoFactorAsync(UserHelpers.Password, "totp", Wrong(code)).ShouldFailAsync("invalid_code");
        await client.DisableTwoFactorAsync(UserHelpers.Password, "totp", code).DefaultTimeout();

        Assert.Equal((false, false, 0), await StatusAsync(client));
        using var device = _instance.CreateClient();
        Assert.NotNull((await device.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).Token);
    }

    [Fact]
    public async Task A_phone_sign_in_to_an_account_with_totp_still_needs_the_totp()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        await client.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).DefaultTimeout();
        await client.ChangePasswordAsync("", "a brand new passphrase").DefaultTimeout();
        var secret = AuthenticatorApp.DecodeSecret((await client.BeginTotpAsync("a brand new passphrase").DefaultTimeout()).Secret);
        await client.ConfirmTotpAsync(Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow))).DefaultTimeout();

        using var device = _instance.CreateClient();
        await device.SendPhoneCodeAsync(phone).DefaultTimeout();
        var signIn = await device.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).DefaultTimeout();
        await device.CompleteSecondFactorAsync(signIn.SecondFactor!.Challenge, "totp", Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow) + 1)).DefaultTimeout();

        Assert.Null(signIn.Token);
        Assert.Equal(["totp", "recovery_code"], signIn.SecondFactor.Methods);
        Assert.Equal("sms+totp", (await device.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).VerifiedBy);
    }

    [Fact]
    public async Task Codes_also_work_through_the_verify_api()
    {
        await using var verify = await RoostInstance.StartAsync(RoostInstance.TwilioSettings(_twilio, verifyApi: true));
        var phone = NewNumber();
        using var client = verify.CreateClient();

        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        await client.PhoneSignInAsync(phone, Wrong(_twilio.VerifyCodeFor(phone))).ShouldFailAsync("invalid_code");
        var signIn = await client.PhoneSignInAsync(phone, _twilio.VerifyCodeFor(phone)).DefaultTimeout();

        Assert.NotNull(signIn.Token);
        Assert.Contains(_twilio.Requests, r => r.Path.EndsWith("/VerificationCheck", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changing_the_phone_number_needs_the_password()
    {
        var (client, _, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;
        var phone = NewNumber();
        await client.SendPhoneVerificationCodeAsync(phone).DefaultTimeout();

        await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), null).ShouldFailAsync("invalid_credentials");
        await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), "not my password").ShouldFailAsync("invalid_credentials");
        await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).DefaultTimeout();
    }

    [Fact]
    public async Task A_code_tried_by_many_requests_at_once_gives_one_session()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();
        var code = _twilio.LastCodeTo(phone);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var parallel = _instance.CreateClient();
            try
            {
                return (await parallel.PhoneSignInAsync(phone, code)).Token is not null ? "session" : "challenge";
            }
            catch (RoostApiException failure)
            {
                return failure.Code;
            }
        })).DefaultTimeout();

        Assert.Equal(1, outcomes.Count(o => o == "session"));
        Assert.Equal(4, outcomes.Count(o => o == "invalid_code"));
    }

    [Fact]
    public async Task A_phone_sign_in_checks_the_device_name_like_a_password_log_in()
    {
        var phone = NewNumber();
        using var client = _instance.CreateClient();
        await client.SendPhoneCodeAsync(phone).DefaultTimeout();

        var failure = await client.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone), new string('x', 100), "bad\u0001").ShouldFailAsync("validation_failed");

        Assert.Equal(["deviceName", "platform"], failure.Errors.Keys.Order());
    }

    [Fact]
    public async Task Wrong_second_factors_across_challenges_lock_the_account_for_a_while()
    {
        var (client, username, _) = await RegisterWithTotpAsync();
        using var _c = client;
        using var attacker = _instance.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            var challenge = (await attacker.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
            await attacker.CompleteSecondFactorAsync(challenge, "totp", "000000").ShouldFailAsync("invalid_code");
        }

        var next = (await attacker.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
        var locked = await attacker.CompleteSecondFactorAsync(next, "recovery_code", "aaaa-bbbb-cc").ShouldFailAsync("rate_limited");

        Assert.NotNull(locked.RetryAfter);
    }

    [Fact]
    public async Task Sms_alone_never_signs_in_to_an_account_whose_second_factor_is_that_sms()
    {
        var (client, _, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;
        var phone = NewNumber();
        await client.SendPhoneVerificationCodeAsync(phone).DefaultTimeout();
        await client.ConfirmPhoneAsync(phone, _twilio.LastCodeTo(phone), UserHelpers.Password).DefaultTimeout();
        var recovery = (await client.EnableSmsFactorAsync(UserHelpers.Password).DefaultTimeout()).RecoveryCodes;

        foreach (var code in recovery)
        {
            using var device = _instance.CreateClient();
            await device.SendPhoneCodeAsync(phone).DefaultTimeout();
            var signIn = await device.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).DefaultTimeout();
            Assert.Equal(["recovery_code"], signIn.SecondFactor!.Methods);
            await device.CompleteSecondFactorAsync(signIn.SecondFactor.Challenge, "recovery_code", code).DefaultTimeout();
        }

        using var last = _instance.CreateClient();
        await last.SendPhoneCodeAsync(phone).DefaultTimeout();
        await last.PhoneSignInAsync(phone, _twilio.LastCodeTo(phone)).ShouldFailAsync("two_factor_required");
    }

    private async Task<(RoostClient Client, string Username, byte[] Secret)> RegisterWithTotpAsync()
    {
        var (client, username, _) = await _instance.RegisterAndLoginAsync();
        var secret = AuthenticatorApp.DecodeSecret((await client.BeginTotpAsync(UserHelpers.Password).DefaultTimeout()).Secret);
        await client.ConfirmTotpAsync(Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow) - 1)).DefaultTimeout();
        return (client, username, secret);
    }

    private static async Task<(bool Totp, bool Sms, int RecoveryCodesLeft)> StatusAsync(RoostClient client)
    {
        var status = await client.GetTwoFactorAsync().DefaultTimeout();
        return (status.Totp, status.Sms, status.RecoveryCodesLeft);
    }

    private static string NewNumber() => "+1415" + Interlocked.Increment(ref _nextNumber).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    private static string FormatLoosely(string e164) => $"{e164[..2]} ({e164[2..5]}) {e164[5..8]}-{e164[8..]}";

    private static string Wrong(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
