using System.Security.Cryptography;
using System.Text;
using Roost.Core.Accounts;
using Roost.Core.Identity;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// What every engine's identity store must do: unique phone numbers, one-time codes with their sending limits and
/// attempt counters, TOTP and recovery codes that work once, and pending log-ins.
/// </summary>
public abstract class IdentityStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private const string Phone = "+15550100001";
    private const string OtherPhone = "+15550100002";
    private static readonly SendThrottle Unlimited = new(1000, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
    private static readonly CountryBudget AnyCountry = new("US", 1000);
    private static readonly CountryBudget AllCountries = new(CountryBudget.AllCountries, 1000);

    [Fact]
    public async Task A_verified_number_finds_its_account_and_belongs_to_one_account_only()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");

        Assert.True(await Store.Identity.SetPhoneAsync(ids[0], Phone, None).DefaultTimeout());
        Assert.True(await Store.Identity.SetPhoneAsync(ids[0], Phone, None).DefaultTimeout());
        Assert.False(await Store.Identity.SetPhoneAsync(ids[1], Phone, None).DefaultTimeout());

        Assert.Equal(ids[0], (await Store.Identity.FindByPhoneAsync(Phone, None).DefaultTimeout())?.Id);
        Assert.Equal(Phone, (await Store.Accounts.FindByIdAsync(ids[0], None).DefaultTimeout())?.Phone);
        Assert.Null((await Store.Accounts.FindByIdAsync(ids[1], None).DefaultTimeout())?.Phone);
        Assert.Null(await Store.Identity.FindByPhoneAsync(OtherPhone, None).DefaultTimeout());
    }

    [Fact]
    public async Task Of_ten_accounts_claiming_one_number_at_once_exactly_one_gets_it()
    {
        var ids = await Store.AccountIdsAsync(Now, [.. Enumerable.Range(0, 10).Select(i => $"user{i}")]);

        var claims = await Task.WhenAll(ids.Select(id => Store.Identity.SetPhoneAsync(id, Phone, None))).DefaultTimeout();

        Assert.Single(claims, c => c);
        Assert.Equal(ids[Array.IndexOf(claims, true)], (await Store.Identity.FindByPhoneAsync(Phone, None).DefaultTimeout())?.Id);
    }

    [Fact]
    public async Task A_phone_account_has_no_password_and_neither_its_number_nor_its_username_can_be_taken_twice()
    {
        var account = await Store.Identity.CreatePhoneAccountAsync(NewAccount("alice"), Phone, None).DefaultTimeout();

        Assert.NotNull(account);
        Assert.False(account.HasPassword);
        Assert.Equal(Phone, account.Phone);
        Assert.Equal(account, await Store.Identity.FindByPhoneAsync(Phone, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CreatePhoneAccountAsync(NewAccount("bob"), Phone, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CreatePhoneAccountAsync(NewAccount("ALICE"), OtherPhone, None).DefaultTimeout());
        Assert.Null(await Store.Accounts.FindByUsernameAsync("bob", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_username_change_is_refused_when_the_normalized_name_is_taken()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");

        Assert.False(await Store.Identity.SetUsernameAsync(ids[1], "Alice", "alice", None).DefaultTimeout());
        Assert.True(await Store.Identity.SetUsernameAsync(ids[1], "Robert", "robert", None).DefaultTimeout());

        Assert.Equal(ids[1], (await Store.Accounts.FindByUsernameAsync("robert", None).DefaultTimeout())?.Id);
        Assert.Equal("Robert", (await Store.Accounts.FindByIdAsync(ids[1], None).DefaultTimeout())?.Username);
        Assert.Null(await Store.Accounts.FindByUsernameAsync("bob", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_code_counts_its_attempts_until_they_are_used_up()
    {
        var hash = Hash("123456");
        await CreateCodeAsync(Code("login", Phone, hash));

        var attempts = new List<CodeAttempt?>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add(await Store.Identity.CountCodeAttemptAsync("login", Phone, 3, Now, None).DefaultTimeout());
        }

        Assert.All(attempts.Take(3), a => Assert.Equal(hash, a?.CodeHash));
        Assert.Single(attempts.Take(3).Select(a => a!.Id).Distinct());
        Assert.Null(attempts[3]);
    }

    [Fact]
    public async Task Concurrent_attempts_on_one_code_are_counted_exactly()
    {
        await CreateCodeAsync(Code("login", Phone, Hash("1")));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None))).DefaultTimeout();

        Assert.Equal(5, attempts.Count(a => a is not null));
    }

    [Fact]
    public async Task An_expired_code_or_one_for_another_purpose_or_number_counts_no_attempt()
    {
        await CreateCodeAsync(Code("login", Phone, Hash("1")));

        Assert.Null(await Store.Identity.CountCodeAttemptAsync("signup", Phone, 5, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountCodeAttemptAsync("login", OtherPhone, 5, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now.AddMinutes(10), None).DefaultTimeout());
        Assert.NotNull(await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now.AddMinutes(9), None).DefaultTimeout());
    }

    [Fact]
    public async Task A_code_is_accepted_once_even_by_concurrent_requests()
    {
        await CreateCodeAsync(Code("login", Phone, Hash("1")));
        var attempt = (await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None).DefaultTimeout())!;

        var marks = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Identity.MarkCodeUsedAsync(attempt.Id, None))).DefaultTimeout();

        Assert.Single(marks, m => m);
        Assert.False(await Store.Identity.MarkCodeUsedAsync(attempt.Id, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_new_code_retires_the_live_one_of_its_purpose_and_leaves_other_purposes_alone()
    {
        await CreateCodeAsync(Code("login", Phone, Hash("old")));
        await CreateCodeAsync(Code("signup", Phone, Hash("signup")));
        await CreateCodeAsync(Code("login", Phone, Hash("new")));

        Assert.Equal(Hash("new"), (await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None).DefaultTimeout())?.CodeHash);
        Assert.Equal(Hash("signup"), (await Store.Identity.CountCodeAttemptAsync("signup", Phone, 5, Now, None).DefaultTimeout())?.CodeHash);
    }

    [Fact]
    public async Task A_code_that_retires_all_purposes_inherits_their_attempts()
    {
        await CreateCodeAsync(Code("login", Phone, Hash("login")));
        await Store.Identity.CountCodeAttemptAsync("login", Phone, 3, Now, None).DefaultTimeout();
        await Store.Identity.CountCodeAttemptAsync("login", Phone, 3, Now, None).DefaultTimeout();

        await CreateCodeAsync(Code("signup", Phone, Hash("signup")) with { RetireAllPurposes = true });

        Assert.Null(await Store.Identity.CountCodeAttemptAsync("login", Phone, 3, Now, None).DefaultTimeout());
        Assert.Equal(Hash("signup"), (await Store.Identity.CountCodeAttemptAsync("signup", Phone, 3, Now, None).DefaultTimeout())?.CodeHash);
        Assert.Null(await Store.Identity.CountCodeAttemptAsync("signup", Phone, 3, Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task Sends_past_the_per_number_limit_are_refused_with_how_long_to_wait()
    {
        var perNumber = new SendThrottle(2, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        var sends = new List<CodeSend>();
        for (var i = 0; i < 3; i++)
        {
            sends.Add(await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash($"{i}"), ip: $"192.0.2.{i}"), perNumber, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout());
        }

        var otherNumber = await Store.Identity.CreateCodeAsync(Code("login", OtherPhone, Hash("x")), perNumber, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();
        var anHourLater = await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash("later"), at: Now.AddHours(1)), perNumber, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();

        Assert.All(sends.Take(2), s => Assert.Null(s.RetryAfter));
        Assert.NotEqual(sends[0].SendId, sends[1].SendId);
        Assert.True(sends[2].RetryAfter > TimeSpan.Zero);
        Assert.Null(otherNumber.RetryAfter);
        Assert.Null(anHourLater.RetryAfter);
        Assert.Equal(Hash("later"), (await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now.AddHours(1), None).DefaultTimeout())?.CodeHash);
    }

    [Fact]
    public async Task A_refused_send_stores_no_code()
    {
        var once = new SendThrottle(1, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash("first")), once, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();

        var refused = await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash("second")), once, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();

        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(Hash("first"), (await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None).DefaultTimeout())?.CodeHash);
    }

    [Fact]
    public async Task Sends_past_the_per_ip_limit_are_refused_whatever_the_number()
    {
        var perIp = new SendThrottle(2, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        var sends = new List<CodeSend>();
        for (var i = 0; i < 3; i++)
        {
            sends.Add(await Store.Identity.CreateCodeAsync(Code("login", $"+1555020000{i}", Hash($"{i}")), Unlimited, perIp, AnyCountry, AllCountries, None).DefaultTimeout());
        }

        var otherIp = await Store.Identity.CreateCodeAsync(Code("login", "+15550200009", Hash("x"), ip: "198.51.100.1"), Unlimited, perIp, AnyCountry, AllCountries, None).DefaultTimeout();

        Assert.Equal([false, false, true], sends.Select(s => s.RetryAfter is not null));
        Assert.Null(otherIp.RetryAfter);
    }

    [Fact]
    public async Task Concurrent_sends_to_one_number_stop_exactly_at_the_limit()
    {
        var perNumber = new SendThrottle(3, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        var sends = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Store.Identity.CreateCodeAsync(Code("login", Phone, Hash($"{i}"), ip: $"192.0.2.{i}"), perNumber, Unlimited, AnyCountry, AllCountries, None))).DefaultTimeout();

        Assert.Equal(3, sends.Count(s => s.RetryAfter is null));
    }

    [Fact]
    public async Task A_countrys_hourly_budget_refuses_further_sends_there_until_a_send_is_released_or_the_hour_passes()
    {
        var us = new CountryBudget("US", 2);
        var fr = new CountryBudget("FR", 2);

        var first = await SendToAsync("+15550300001", "US", us);
        await SendToAsync("+15550300002", "US", us);
        var third = await SendToAsync("+15550300003", "US", us);
        var france = await SendToAsync("+33600000001", "FR", fr);
        await Store.Identity.ReleaseCountrySendAsync(first.SendId, None).DefaultTimeout();
        var afterRelease = await SendToAsync("+15550300004", "US", us);
        var refusedAgain = await SendToAsync("+15550300005", "US", us);
        var anHourLater = await SendToAsync("+15550300006", "US", us, Now.AddHours(1));

        Assert.Null(first.RetryAfter);
        Assert.True(third.RetryAfter > TimeSpan.Zero);
        Assert.True(third.RetryAfter <= CountryBudget.Window);
        Assert.Null(france.RetryAfter);
        Assert.Null(afterRelease.RetryAfter);
        Assert.NotNull(refusedAgain.RetryAfter);
        Assert.Null(anHourLater.RetryAfter);
    }

    [Fact]
    public async Task The_budget_of_all_countries_together_refuses_sends_anywhere_until_a_send_is_released()
    {
        var total = new CountryBudget(CountryBudget.AllCountries, 2);

        var first = await SendToAsync("+15550400001", "US", AnyCountry, total: total);
        await SendToAsync("+33600000002", "FR", new CountryBudget("FR", 1000), total: total);
        var third = await SendToAsync("+4915100000003", "DE", new CountryBudget("DE", 1000), total: total);
        await Store.Identity.ReleaseCountrySendAsync(first.SendId, None).DefaultTimeout();
        var afterRelease = await SendToAsync("+4915100000004", "DE", new CountryBudget("DE", 1000), total: total);

        Assert.NotNull(third.RetryAfter);
        Assert.Null(afterRelease.RetryAfter);
    }

    [Fact]
    public async Task A_released_send_still_counts_against_the_per_number_and_per_ip_limits()
    {
        var once = new SendThrottle(1, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        var first = await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash("1")), once, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();
        var second = await Store.Identity.CreateCodeAsync(Code("login", OtherPhone, Hash("2"), ip: "198.51.100.7"), Unlimited, once, AnyCountry, AllCountries, None).DefaultTimeout();

        await Store.Identity.ReleaseCountrySendAsync(first.SendId, None).DefaultTimeout();
        await Store.Identity.ReleaseCountrySendAsync(second.SendId, None).DefaultTimeout();

        var sameNumber = await Store.Identity.CreateCodeAsync(Code("login", Phone, Hash("3"), ip: "203.0.113.1"), once, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();
        var sameIp = await Store.Identity.CreateCodeAsync(Code("login", "+15550100003", Hash("4"), ip: "198.51.100.7"), Unlimited, once, AnyCountry, AllCountries, None).DefaultTimeout();
        Assert.NotNull(sameNumber.RetryAfter);
        Assert.NotNull(sameIp.RetryAfter);
    }

    [Fact]
    public async Task A_pending_totp_secret_is_replaced_until_confirmed_and_then_kept()
    {
        var alice = await Store.AccountAsync("alice", Now);
        Assert.Equal(TwoFactorState.None, await TwoFactorAsync(alice.Id));

        Assert.True(await Store.Identity.SetPendingTotpAsync(alice.Id, [1, 1], None).DefaultTimeout());
        Assert.True(await Store.Identity.SetPendingTotpAsync(alice.Id, [2, 2], None).DefaultTimeout());
        var pending = await TwoFactorAsync(alice.Id);
        await Store.Identity.ConfirmTotpAsync(alice.Id, 100, None).DefaultTimeout();
        var replaceConfirmed = await Store.Identity.SetPendingTotpAsync(alice.Id, [3, 3], None).DefaultTimeout();
        var confirmed = await TwoFactorAsync(alice.Id);

        Assert.Equal([2, 2], pending.ProtectedTotpSecret!);
        Assert.Equal((false, false), (pending.TotpConfirmed, pending.IsEnabled));
        Assert.False(replaceConfirmed);
        Assert.Equal([2, 2], confirmed.ProtectedTotpSecret!);
        Assert.Equal((true, 100L, true), (confirmed.TotpConfirmed, confirmed.TotpLastStep, confirmed.IsEnabled));
    }

    [Fact]
    public async Task A_totp_step_works_once_and_never_after_a_later_one()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.Identity.SetPendingTotpAsync(alice.Id, [1], None).DefaultTimeout();
        await Store.Identity.ConfirmTotpAsync(alice.Id, 100, None).DefaultTimeout();

        Assert.False(await Store.Identity.UseTotpStepAsync(alice.Id, 100, None).DefaultTimeout());
        Assert.True(await Store.Identity.UseTotpStepAsync(alice.Id, 102, None).DefaultTimeout());
        Assert.False(await Store.Identity.UseTotpStepAsync(alice.Id, 102, None).DefaultTimeout());
        Assert.False(await Store.Identity.UseTotpStepAsync(alice.Id, 101, None).DefaultTimeout());
        Assert.Equal(102, (await TwoFactorAsync(alice.Id)).TotpLastStep);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Identity.UseTotpStepAsync(alice.Id, 103, None))).DefaultTimeout();
        Assert.Single(concurrent, c => c);
    }

    [Fact]
    public async Task The_sms_factor_turns_on_and_off()
    {
        var alice = await Store.AccountAsync("alice", Now);

        await Store.Identity.SetSmsFactorAsync(alice.Id, true, None).DefaultTimeout();
        var on = await TwoFactorAsync(alice.Id);
        await Store.Identity.SetSmsFactorAsync(alice.Id, false, None).DefaultTimeout();

        Assert.True(on.SmsEnabled && on.IsEnabled);
        Assert.False((await TwoFactorAsync(alice.Id)).IsEnabled);
    }

    [Fact]
    public async Task A_recovery_code_works_once_for_its_own_account_and_a_new_set_replaces_the_old()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        await Store.Identity.ReplaceRecoveryCodesAsync(ids[0], [Hash("a"), Hash("b"), Hash("c")], None).DefaultTimeout();

        Assert.Equal(3, (await TwoFactorAsync(ids[0])).RecoveryCodesLeft);
        Assert.False(await Store.Identity.UseRecoveryCodeAsync(ids[1], Hash("a"), Now, None).DefaultTimeout());
        Assert.True(await Store.Identity.UseRecoveryCodeAsync(ids[0], Hash("a"), Now, None).DefaultTimeout());
        Assert.False(await Store.Identity.UseRecoveryCodeAsync(ids[0], Hash("a"), Now, None).DefaultTimeout());
        Assert.False(await Store.Identity.UseRecoveryCodeAsync(ids[0], Hash("z"), Now, None).DefaultTimeout());
        Assert.Equal(2, (await TwoFactorAsync(ids[0])).RecoveryCodesLeft);

        await Store.Identity.ReplaceRecoveryCodesAsync(ids[0], [Hash("d")], None).DefaultTimeout();

        Assert.False(await Store.Identity.UseRecoveryCodeAsync(ids[0], Hash("b"), Now, None).DefaultTimeout());
        Assert.Equal(1, (await TwoFactorAsync(ids[0])).RecoveryCodesLeft);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Identity.UseRecoveryCodeAsync(ids[0], Hash("d"), Now, None))).DefaultTimeout();
        Assert.Single(concurrent, c => c);
    }

    [Fact]
    public async Task Disabling_two_factor_turns_every_factor_off_and_deletes_the_recovery_codes()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.Identity.SetPendingTotpAsync(alice.Id, [1], None).DefaultTimeout();
        await Store.Identity.ConfirmTotpAsync(alice.Id, 5, None).DefaultTimeout();
        await Store.Identity.SetSmsFactorAsync(alice.Id, true, None).DefaultTimeout();
        await Store.Identity.ReplaceRecoveryCodesAsync(alice.Id, [Hash("a")], None).DefaultTimeout();

        await Store.Identity.DisableTwoFactorAsync(alice.Id, None).DefaultTimeout();

        var state = await TwoFactorAsync(alice.Id);
        Assert.Equal((false, false, false, 0), (state.IsEnabled, state.TotpConfirmed, state.SmsEnabled, state.RecoveryCodesLeft));
        Assert.False(await Store.Identity.UseRecoveryCodeAsync(alice.Id, Hash("a"), Now, None).DefaultTimeout());
        Assert.True(await Store.Identity.SetPendingTotpAsync(alice.Id, [2], None).DefaultTimeout());
    }

    [Fact]
    public async Task A_challenge_is_found_counts_its_attempts_and_ends_when_they_are_used_up()
    {
        var alice = await Store.AccountAsync("alice", Now);
        var token = Hash("token");
        var challenge = new LoginChallenge(alice.Id, "password", "laptop", "linux", "192.0.2.1", Now.AddMinutes(5));
        await Store.Identity.CreateChallengeAsync(token, challenge, None).DefaultTimeout();

        Assert.Equal(challenge, await Store.Identity.FindChallengeAsync(token, Now, None).DefaultTimeout());
        Assert.Equal(challenge, await Store.Identity.CountChallengeAttemptAsync(token, 2, Now, None).DefaultTimeout());
        Assert.Equal(challenge, await Store.Identity.CountChallengeAttemptAsync(token, 2, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountChallengeAttemptAsync(token, 2, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountChallengeAttemptAsync(Hash("unknown"), 2, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.FindChallengeAsync(Hash("unknown"), Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task Concurrent_attempts_on_a_challenge_are_counted_exactly()
    {
        var alice = await Store.AccountAsync("alice", Now);
        var token = Hash("token");
        await Store.Identity.CreateChallengeAsync(token, new LoginChallenge(alice.Id, "password", "laptop", "linux", null, Now.AddMinutes(5)), None).DefaultTimeout();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Store.Identity.CountChallengeAttemptAsync(token, 4, Now, None))).DefaultTimeout();

        Assert.Equal(4, attempts.Count(a => a is not null));
    }

    [Fact]
    public async Task An_expired_challenge_is_neither_found_nor_counted()
    {
        var alice = await Store.AccountAsync("alice", Now);
        var token = Hash("token");
        await Store.Identity.CreateChallengeAsync(token, new LoginChallenge(alice.Id, "sms", "phone", "ios", null, Now.AddMinutes(5)), None).DefaultTimeout();
        Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(await Store.Identity.FindChallengeAsync(token, Time.GetUtcNow(), None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountChallengeAttemptAsync(token, 5, Time.GetUtcNow(), None).DefaultTimeout());
    }

    [Fact]
    public async Task A_challenge_is_deleted_once()
    {
        var alice = await Store.AccountAsync("alice", Now);
        var token = Hash("token");
        await Store.Identity.CreateChallengeAsync(token, new LoginChallenge(alice.Id, "password", "laptop", "linux", null, Now.AddMinutes(5)), None).DefaultTimeout();

        var deletes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Store.Identity.DeleteChallengeAsync(token, None))).DefaultTimeout();

        Assert.Single(deletes, d => d);
        Assert.Null(await Store.Identity.FindChallengeAsync(token, Now, None).DefaultTimeout());
        Assert.Null(await Store.Identity.CountChallengeAttemptAsync(token, 5, Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task Codes_second_factors_and_challenges_survive_reopening_the_store()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.Identity.SetPhoneAsync(alice.Id, Phone, None).DefaultTimeout();
        await CreateCodeAsync(Code("login", Phone, Hash("1")));
        await Store.Identity.SetPendingTotpAsync(alice.Id, [7], None).DefaultTimeout();
        await Store.Identity.ConfirmTotpAsync(alice.Id, 9, None).DefaultTimeout();
        await Store.Identity.ReplaceRecoveryCodesAsync(alice.Id, [Hash("r")], None).DefaultTimeout();
        await Store.Identity.CreateChallengeAsync(Hash("token"), new LoginChallenge(alice.Id, "password", "laptop", "linux", null, Now.AddMinutes(5)), None).DefaultTimeout();

        await ReopenAsync();

        Assert.Equal(alice.Id, (await Store.Identity.FindByPhoneAsync(Phone, None).DefaultTimeout())?.Id);
        Assert.Equal(Hash("1"), (await Store.Identity.CountCodeAttemptAsync("login", Phone, 5, Now, None).DefaultTimeout())?.CodeHash);
        Assert.Equal((true, 9L, 1), await TotpAsync(alice.Id));
        Assert.NotNull(await Store.Identity.FindChallengeAsync(Hash("token"), Now, None).DefaultTimeout());
    }

    private async Task<(bool Confirmed, long LastStep, int RecoveryCodesLeft)> TotpAsync(long accountId)
    {
        var state = await TwoFactorAsync(accountId);
        return (state.TotpConfirmed, state.TotpLastStep, state.RecoveryCodesLeft);
    }

    private Task<TwoFactorState> TwoFactorAsync(long accountId) => Store.Identity.GetTwoFactorAsync(accountId, None).DefaultTimeout();

    private async Task CreateCodeAsync(NewCode code)
    {
        var send = await Store.Identity.CreateCodeAsync(code, Unlimited, Unlimited, AnyCountry, AllCountries, None).DefaultTimeout();
        Assert.Null(send.RetryAfter);
    }

    private Task<CodeSend> SendToAsync(string phone, string country, CountryBudget perCountry, DateTimeOffset? at = null, CountryBudget? total = null) =>
        Store.Identity.CreateCodeAsync(Code("login", phone, Hash(phone), at: at) with { Country = country }, Unlimited, Unlimited, perCountry, total ?? AllCountries, None).DefaultTimeout();

    /// <summary>A code for <paramref name="target"/> that lives ten minutes, budgeted per purpose and number.</summary>
    private static NewCode Code(string purpose, string target, byte[] hash, string ip = "192.0.2.1", DateTimeOffset? at = null)
    {
        var now = at ?? Now;
        return new NewCode(purpose, target, $"{purpose}:{target}", "US", hash, ip, now.AddMinutes(10), now, RetireAllPurposes: false);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private static NewAccount NewAccount(string username) => new(username, Username.Normalize(username), "", username, Now);
}
