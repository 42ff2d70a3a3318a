using Roost.Core.Accounts;
using Roost.Core.Identity;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// What every engine's identity store must do for phone numbers, one-time codes, second factors and pending log-ins:
/// the outcomes SQLite gives, which the PostgreSQL port must give too.
/// </summary>
public abstract class IdentityPortContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private const string Login = "login";
    private const string Verify = "verify";
    private const string Number = "+447700900001";
    private const string OtherNumber = "+447700900002";
    private static readonly SendThrottle Loose = new(100, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    private static readonly SendThrottle OnePerMinute = new(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    private static readonly CountryBudget Unlimited = new("GB", 1000);
    private static readonly CountryBudget UnlimitedTotal = new(CountryBudget.AllCountries, 1000);

    private IIdentityStore Identity => Store.Identity;

    [Fact]
    public async Task A_number_past_its_throttle_is_refused_with_the_wait_and_its_code_is_not_stored()
    {
        var first = await SendAsync(Code(Login, Number, [1]), perBudget: OnePerMinute);
        var second = await SendAsync(Code(Login, Number, [2]), perBudget: OnePerMinute);
        var otherPurpose = await SendAsync(Code(Verify, Number, [3]), perBudget: OnePerMinute);
        var later = await SendAsync(Code(Login, Number, [4], now: Now.AddMinutes(1)), perBudget: OnePerMinute);

        Assert.Null(first.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), second.RetryAfter);
        Assert.Null(otherPurpose.RetryAfter);
        Assert.Null(later.RetryAfter);
        Assert.NotEqual(first.SendId, later.SendId);
    }

    [Fact]
    public async Task One_ip_past_its_throttle_is_refused_for_any_number()
    {
        var first = await SendAsync(Code(Login, Number, [1]), perIp: OnePerMinute);
        var second = await SendAsync(Code(Login, OtherNumber, [2]), perIp: OnePerMinute);
        var otherIp = await SendAsync(Code(Login, OtherNumber, [3], ip: "192.0.2.9"), perIp: OnePerMinute);

        Assert.Null(first.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), second.RetryAfter);
        Assert.Null(otherIp.RetryAfter);
    }

    [Fact]
    public async Task A_countrys_hourly_budget_and_the_total_budget_refuse_further_sends_until_the_hour_passes()
    {
        var gbBudget = new CountryBudget("GB", 1);
        var total = new CountryBudget(CountryBudget.AllCountries, 2);

        var gb = await SendAsync(Code(Login, Number, [1], country: "GB"), perCountry: gbBudget, total: total);
        var gbAgain = await SendAsync(Code(Login, OtherNumber, [2], country: "GB"), perCountry: gbBudget, total: total);
        var fr = await SendAsync(Code(Login, "+33612345678", [3], country: "FR"), perCountry: new CountryBudget("FR", 1), total: total);
        var de = await SendAsync(Code(Login, "+4915112345678", [4], country: "DE"), perCountry: new CountryBudget("DE", 1), total: total);
        var nextHour = await SendAsync(Code(Login, OtherNumber, [5], country: "GB", now: Now.AddHours(1)), perCountry: gbBudget, total: total);

        Assert.Null(gb.RetryAfter);
        Assert.Equal(TimeSpan.FromHours(1), gbAgain.RetryAfter);
        Assert.Null(fr.RetryAfter);
        Assert.Equal(TimeSpan.FromHours(1), de.RetryAfter);
        Assert.Null(nextHour.RetryAfter);
    }

    [Fact]
    public async Task A_released_send_stops_counting_against_its_country_and_the_total()
    {
        var gbBudget = new CountryBudget("GB", 1);
        var total = new CountryBudget(CountryBudget.AllCountries, 1);

        var first = await SendAsync(Code(Login, Number, [1], country: "GB"), perCountry: gbBudget, total: total);
        await Identity.ReleaseCountrySendAsync(first.SendId, None).DefaultTimeout();
        var afterRelease = await SendAsync(Code(Login, OtherNumber, [2], country: "GB"), perCountry: gbBudget, total: total);

        Assert.Null(afterRelease.RetryAfter);
    }

    [Fact]
    public async Task Attempts_are_counted_against_the_newest_live_code_until_they_run_out_or_it_expires()
    {
        await SendAsync(Code(Login, Number, [1]));
        await SendAsync(Code(Login, OtherNumber, [2], expiresAt: Now.AddMinutes(1)));

        var first = await Identity.CountCodeAttemptAsync(Login, Number, 2, Now, None).DefaultTimeout();
        var second = await Identity.CountCodeAttemptAsync(Login, Number, 2, Now, None).DefaultTimeout();
        var third = await Identity.CountCodeAttemptAsync(Login, Number, 2, Now, None).DefaultTimeout();
        var expired = await Identity.CountCodeAttemptAsync(Login, OtherNumber, 2, Now.AddMinutes(1), None).DefaultTimeout();
        var none = await Identity.CountCodeAttemptAsync(Verify, Number, 2, Now, None).DefaultTimeout();

        Assert.Equal([1], first?.CodeHash);
        Assert.Equal(first?.Id, second?.Id);
        Assert.Null(third);
        Assert.Null(expired);
        Assert.Null(none);
    }

    [Fact]
    public async Task A_code_is_marked_used_once_and_then_takes_no_attempts()
    {
        await SendAsync(Code(Login, Number, [1]));
        var attempt = (await Identity.CountCodeAttemptAsync(Login, Number, 5, Now, None).DefaultTimeout())!;

        var marked = await Identity.MarkCodeUsedAsync(attempt.Id, None).DefaultTimeout();
        var again = await Identity.MarkCodeUsedAsync(attempt.Id, None).DefaultTimeout();
        var afterUse = await Identity.CountCodeAttemptAsync(Login, Number, 5, Now, None).DefaultTimeout();

        Assert.True(marked);
        Assert.False(again);
        Assert.Null(afterUse);
    }

    [Fact]
    public async Task Parallel_attempts_and_acceptances_of_one_code_are_each_counted_once()
    {
        await SendAsync(Code(Login, Number, [1]));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Identity.CountCodeAttemptAsync(Login, Number, 3, Now, None))).DefaultTimeout();
        var codeId = attempts.First(a => a is not null)!.Id;
        var accepted = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Identity.MarkCodeUsedAsync(codeId, None))).DefaultTimeout();

        Assert.Equal(3, attempts.Count(a => a is not null));
        Assert.Single(accepted, won => won);
    }

    [Fact]
    public async Task Parallel_sends_to_one_number_past_its_throttle_let_exactly_one_through()
    {
        var sends = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Identity.CreateCodeAsync(Code(Login, Number, [(byte)i]), OnePerMinute, Loose, Unlimited, UnlimitedTotal, None))).DefaultTimeout();

        Assert.Single(sends, s => s.RetryAfter is null);
    }

    [Fact]
    public async Task A_new_code_retires_the_earlier_one_of_its_purpose_and_leaves_other_purposes_alone()
    {
        await SendAsync(Code(Login, Number, [1]));
        await SendAsync(Code(Verify, Number, [2]));
        var older = (await Identity.CountCodeAttemptAsync(Login, Number, 5, Now, None).DefaultTimeout())!;
        await SendAsync(Code(Login, Number, [3]));

        var login = await Identity.CountCodeAttemptAsync(Login, Number, 5, Now, None).DefaultTimeout();
        var verify = await Identity.CountCodeAttemptAsync(Verify, Number, 5, Now, None).DefaultTimeout();

        Assert.Equal([3], login?.CodeHash);
        Assert.NotEqual(older.Id, login?.Id);
        Assert.False(await Identity.MarkCodeUsedAsync(older.Id, None).DefaultTimeout());
        Assert.Equal([2], verify?.CodeHash);
    }

    [Fact]
    public async Task A_code_that_retires_all_purposes_retires_every_live_code_and_inherits_the_most_attempts_used()
    {
        await SendAsync(Code(Login, Number, [1]));
        await SendAsync(Code(Verify, Number, [2]));
        for (var i = 0; i < 2; i++)
        {
            await Identity.CountCodeAttemptAsync(Verify, Number, 5, Now, None).DefaultTimeout();
        }

        await SendAsync(Code(Login, Number, [3]) with { RetireAllPurposes = true });
        var verify = await Identity.CountCodeAttemptAsync(Verify, Number, 5, Now, None).DefaultTimeout();
        var attempts = new List<CodeAttempt?>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add(await Identity.CountCodeAttemptAsync(Login, Number, 5, Now, None).DefaultTimeout());
        }

        Assert.Null(verify);
        Assert.Equal([3], attempts[0]?.CodeHash);
        Assert.Equal(3, attempts.Count(a => a is not null)); // 2 inherited + 3 = 5
        Assert.Null(attempts[3]);
    }

    [Fact]
    public async Task A_pending_totp_secret_is_replaced_until_confirmed_and_then_stays()
    {
        var alice = await AccountAsync("alice");
        var before = await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout();

        var pending = await Identity.SetPendingTotpAsync(alice.Id, [1], None).DefaultTimeout();
        var replaced = await Identity.SetPendingTotpAsync(alice.Id, [2], None).DefaultTimeout();
        var unconfirmed = await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout();
        await Identity.ConfirmTotpAsync(alice.Id, 100, None).DefaultTimeout();
        var afterConfirm = await Identity.SetPendingTotpAsync(alice.Id, [3], None).DefaultTimeout();
        var confirmed = await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout();

        Assert.Equal(TwoFactorState.None, before);
        Assert.True(pending);
        Assert.True(replaced);
        Assert.Equal([2], unconfirmed.ProtectedTotpSecret);
        Assert.Equal((false, false), (unconfirmed.TotpConfirmed, unconfirmed.IsEnabled));
        Assert.False(afterConfirm);
        Assert.Equal([2], confirmed.ProtectedTotpSecret);
        Assert.Equal((true, 100L, true), (confirmed.TotpConfirmed, confirmed.TotpLastStep, confirmed.IsEnabled));
    }

    [Fact]
    public async Task Each_totp_step_is_used_once_and_never_one_before_the_last()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Identity.SetPendingTotpAsync(alice.Id, [1], None).DefaultTimeout();
        await Identity.ConfirmTotpAsync(alice.Id, 100, None).DefaultTimeout();

        var confirmStep = await Identity.UseTotpStepAsync(alice.Id, 100, None).DefaultTimeout();
        var next = await Identity.UseTotpStepAsync(alice.Id, 101, None).DefaultTimeout();
        var reuse = await Identity.UseTotpStepAsync(alice.Id, 101, None).DefaultTimeout();
        var earlier = await Identity.UseTotpStepAsync(alice.Id, 99, None).DefaultTimeout();
        var noFactor = await Identity.UseTotpStepAsync(bob.Id, 101, None).DefaultTimeout();

        Assert.Equal((false, true, false, false, false), (confirmStep, next, reuse, earlier, noFactor));
        Assert.Equal(101, (await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout()).TotpLastStep);
    }

    [Fact]
    public async Task The_sms_factor_turns_on_and_off_and_disabling_removes_every_factor_and_recovery_code()
    {
        var alice = await AccountAsync("alice");
        await Identity.SetSmsFactorAsync(alice.Id, true, None).DefaultTimeout();
        var sms = await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout();
        await Identity.SetSmsFactorAsync(alice.Id, false, None).DefaultTimeout();
        var off = await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout();
        await Identity.SetPendingTotpAsync(alice.Id, [1], None).DefaultTimeout();
        await Identity.ConfirmTotpAsync(alice.Id, 1, None).DefaultTimeout();
        await Identity.ReplaceRecoveryCodesAsync(alice.Id, [[1], [2]], None).DefaultTimeout();

        await Identity.DisableTwoFactorAsync(alice.Id, None).DefaultTimeout();

        Assert.True(sms is { SmsEnabled: true, IsEnabled: true });
        Assert.False(off.IsEnabled);
        Assert.Equal(TwoFactorState.None, await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout());
        Assert.False(await Identity.UseRecoveryCodeAsync(alice.Id, [1], Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_recovery_code_works_once_and_replacing_them_discards_the_old_ones()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Identity.ReplaceRecoveryCodesAsync(alice.Id, [[1], [2], [3]], None).DefaultTimeout();

        var used = await Identity.UseRecoveryCodeAsync(alice.Id, [2], Now, None).DefaultTimeout();
        var again = await Identity.UseRecoveryCodeAsync(alice.Id, [2], Now, None).DefaultTimeout();
        var unknown = await Identity.UseRecoveryCodeAsync(alice.Id, [9], Now, None).DefaultTimeout();
        var othersCode = await Identity.UseRecoveryCodeAsync(bob.Id, [1], Now, None).DefaultTimeout();
        var left = (await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout()).RecoveryCodesLeft;
        await Identity.ReplaceRecoveryCodesAsync(alice.Id, [[4], [5]], None).DefaultTimeout();
        var oldAfterReplace = await Identity.UseRecoveryCodeAsync(alice.Id, [1], Now, None).DefaultTimeout();

        Assert.Equal((true, false, false, false, 2), (used, again, unknown, othersCode, left));
        Assert.False(oldAfterReplace);
        Assert.Equal(2, (await Identity.GetTwoFactorAsync(alice.Id, None).DefaultTimeout()).RecoveryCodesLeft);
    }

    [Fact]
    public async Task A_challenge_counts_its_attempts_until_they_run_out_and_finding_it_counts_none()
    {
        var alice = await AccountAsync("alice");
        var challenge = new LoginChallenge(alice.Id, "password", "Laptop", "web", "192.0.2.1", Now.AddMinutes(5));
        await Identity.CreateChallengeAsync([7], challenge, None).DefaultTimeout();

        var found = await Identity.FindChallengeAsync([7], Now, None).DefaultTimeout();
        var attempts = new List<LoginChallenge?>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(await Identity.CountChallengeAttemptAsync([7], 2, Now, None).DefaultTimeout());
        }

        Assert.Equal(challenge, found);
        Assert.Equal([challenge, challenge, null], attempts);
        Assert.Null(await Identity.CountChallengeAttemptAsync([8], 2, Now, None).DefaultTimeout());
        Assert.Equal(challenge, await Identity.FindChallengeAsync([7], Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task An_expired_challenge_is_neither_found_nor_counted_and_a_challenge_is_deleted_once()
    {
        var alice = await AccountAsync("alice");
        var challenge = new LoginChallenge(alice.Id, "sms", "Phone", "ios", null, Now.AddMinutes(5));
        await Identity.CreateChallengeAsync([7], challenge, None).DefaultTimeout();

        var expiredFind = await Identity.FindChallengeAsync([7], Now.AddMinutes(5), None).DefaultTimeout();
        var expiredCount = await Identity.CountChallengeAttemptAsync([7], 5, Now.AddMinutes(5), None).DefaultTimeout();
        var deleted = await Identity.DeleteChallengeAsync([7], None).DefaultTimeout();
        var deletedAgain = await Identity.DeleteChallengeAsync([7], None).DefaultTimeout();

        Assert.Null(expiredFind);
        Assert.Null(expiredCount);
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(await Identity.FindChallengeAsync([7], Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_number_belongs_to_one_account_at_a_time()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");

        var set = await Identity.SetPhoneAsync(alice.Id, Number, None).DefaultTimeout();
        var taken = await Identity.SetPhoneAsync(bob.Id, Number, None).DefaultTimeout();
        var again = await Identity.SetPhoneAsync(alice.Id, Number, None).DefaultTimeout();
        var concurrent = await Task.WhenAll(
            Identity.SetPhoneAsync(carol.Id, OtherNumber, None),
            Identity.SetPhoneAsync(bob.Id, OtherNumber, None)).DefaultTimeout();

        Assert.Equal((true, false, true), (set, taken, again));
        Assert.Single(concurrent, won => won);
        Assert.Equal(alice.Id, (await Identity.FindByPhoneAsync(Number, None).DefaultTimeout())?.Id);
        Assert.Contains((await Identity.FindByPhoneAsync(OtherNumber, None).DefaultTimeout())?.Id, new long?[] { bob.Id, carol.Id });
    }

    [Fact]
    public async Task A_phone_account_is_created_only_with_a_free_number_and_a_free_username()
    {
        var alice = await AccountAsync("alice");
        await Identity.SetPhoneAsync(alice.Id, Number, None).DefaultTimeout();

        var created = await Identity.CreatePhoneAccountAsync(NewAccountFor("bob"), OtherNumber, None).DefaultTimeout();
        var numberTaken = await Identity.CreatePhoneAccountAsync(NewAccountFor("carol"), Number, None).DefaultTimeout();
        var usernameTaken = await Identity.CreatePhoneAccountAsync(NewAccountFor("alice"), "+447700900003", None).DefaultTimeout();

        Assert.Equal(("bob", OtherNumber, ""), (created?.Username, created?.Phone, created?.PasswordHash));
        Assert.Equal(created?.Id, (await Identity.FindByPhoneAsync(OtherNumber, None).DefaultTimeout())?.Id);
        Assert.Null(numberTaken);
        Assert.Null(usernameTaken);
        Assert.Null(await Store.Accounts.FindByUsernameAsync("carol", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_username_is_set_only_when_no_other_account_holds_it()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var taken = await Identity.SetUsernameAsync(bob.Id, "Alice", "alice", None).DefaultTimeout();
        var own = await Identity.SetUsernameAsync(alice.Id, "ALICE", "alice", None).DefaultTimeout();
        var free = await Identity.SetUsernameAsync(bob.Id, "Robert", "robert", None).DefaultTimeout();
        var missing = await Identity.SetUsernameAsync(alice.Id + bob.Id + 1, "nobody", "nobody", None).DefaultTimeout();

        Assert.Equal((false, true, true, false), (taken, own, free, missing));
        Assert.Equal("ALICE", (await Store.Accounts.FindByIdAsync(alice.Id, None).DefaultTimeout())?.Username);
        Assert.Equal(bob.Id, (await Store.Accounts.FindByUsernameAsync("robert", None).DefaultTimeout())?.Id);
        Assert.Null(await Store.Accounts.FindByUsernameAsync("bob", None).DefaultTimeout());
    }

    private static NewCode Code(string purpose, string target, byte[] hash, string country = "GB", string ip = "192.0.2.1", DateTimeOffset? now = null, DateTimeOffset? expiresAt = null)
    {
        var at = now ?? Now;
        return new NewCode(purpose, target, purpose + "|" + target, country, hash, ip, expiresAt ?? at.AddMinutes(10), at, RetireAllPurposes: false);
    }

    private Task<CodeSend> SendAsync(NewCode code, SendThrottle? perBudget = null, SendThrottle? perIp = null, CountryBudget? perCountry = null, CountryBudget? total = null) =>
        Identity.CreateCodeAsync(code, perBudget ?? Loose, perIp ?? Loose, perCountry ?? Unlimited with { Country = code.Country }, total ?? UnlimitedTotal, None).DefaultTimeout();

    private static NewAccount NewAccountFor(string username) => new(username, username, "", username, Now);

    private async Task<Account> AccountAsync(string username) =>
        (await Store.Accounts.CreateAsync(new NewAccount(username, username, "pbkdf2-sha256$1$AA==$AA==", username, Now), None).DefaultTimeout())!;
}
