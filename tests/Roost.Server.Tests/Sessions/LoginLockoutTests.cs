using System.Net;
using Roost.Client;
using Microsoft.Extensions.DependencyInjection;
using Roost.Core.Identity;
using Roost.Server.RateLimiting;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Sessions;

/// <summary>
/// The log-in lockout cannot be turned against the owner: it is strict per (account, network) and only a higher
/// ceiling spans networks; a device that signed in before, or a second factor, gets past it. Clients connect from
/// different loopback addresses (127.0.0.x) to be different networks; a manual clock ends the windows.
/// </summary>
public sealed class LoginLockoutTests : IAsyncLifetime
{
    private static readonly IPAddress OwnerNetwork = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress AttackerNetwork = IPAddress.Parse("127.0.0.3");
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private RoostInstance _instance = null!;

    public async ValueTask InitializeAsync() =>
        _instance = await RoostInstance.StartAsync(
            new Dictionary<string, string>
            {
                ["Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit"] = "10",
                ["Roost:RateLimits:LoginAttemptsPerAccount:PermitLimit"] = "20",
                ["Roost:RateLimits:LoginAttemptsPerDeviceKey:PermitLimit"] = "5",
            },
            _clock);

    public async ValueTask DisposeAsync() => await _instance.DisposeAsync();

    [Fact]
    public async Task Ten_wrong_passwords_from_one_network_do_not_lock_out_the_owner_on_another()
    {
        var username = await RegisterAsync();
        using var attacker = _instance.CreateClientFrom(AttackerNetwork);
        for (var i = 0; i < 10; i++)
        {
            await attacker.LoginAsync(username, "guess " + i).ShouldFailAsync("invalid_credentials");
        }

        // The attacker's network is locked out, even with the right password…
        var locked = await attacker.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
        Assert.NotNull(locked.RetryAfter);

        // …and the owner, elsewhere, is not.
        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        var login = await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        Assert.NotNull(login.Token);
    }

    [Fact]
    public async Task A_lockout_still_holds_after_the_instance_restarts_and_ends_with_its_window()
    {
        var username = await RegisterAsync();
        using (var attacker = _instance.CreateClientFrom(AttackerNetwork))
        {
            for (var i = 0; i < 10; i++)
            {
                await attacker.LoginAsync(username, "guess " + i).ShouldFailAsync("invalid_credentials");
            }
        }

        await _instance.RestartAsync();

        using var again = _instance.CreateClientFrom(AttackerNetwork);
        var locked = await again.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
        Assert.NotNull(locked.RetryAfter);
        Assert.InRange(locked.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.NotNull((await again.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).Token);
    }

    [Fact]
    public async Task The_per_account_ceiling_still_holds_after_the_instance_restarts()
    {
        var username = await RegisterAsync();
        await GuessFromManyNetworksAsync(username);

        await _instance.RestartAsync();

        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        await owner.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
    }

    [Fact]
    public async Task Counters_whose_window_ended_are_pruned_from_the_store()
    {
        var username = await RegisterAsync();
        using var attacker = _instance.CreateClientFrom(AttackerNetwork);
        await attacker.LoginAsync(username, "guess").ShouldFailAsync("invalid_credentials");
        var pruning = _instance.Services.GetRequiredService<AttemptCounterPruningService>();
        await pruning.PruneOnceAsync(CancellationToken.None).DefaultTimeout();

        _clock.Advance(TimeSpan.FromMinutes(15));

        // The attempt's two windows (this network, the account) have ended.
        Assert.True(await pruning.PruneOnceAsync(CancellationToken.None).DefaultTimeout() >= 2);
        Assert.Equal(0, await pruning.PruneOnceAsync(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task The_per_account_ceiling_applies_across_networks_until_its_window_ends()
    {
        var username = await RegisterAsync();
        await GuessFromManyNetworksAsync(username);

        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        var locked = await owner.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        Assert.NotNull(locked.RetryAfter);

        _clock.Advance(TimeSpan.FromMinutes(15));
        await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
    }

    [Fact]
    public async Task A_device_key_from_an_earlier_log_in_lets_the_owner_in_during_a_lockout()
    {
        var username = await RegisterAsync();
        using var owner = _instance.CreateClientFrom(AttackerNetwork);
        var first = await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        Assert.NotNull(first.DeviceKey);

        // Both limits used up: the owner's own network (the attacker shares it), and the ceiling from many networks.
        using (var attacker = _instance.CreateClientFrom(AttackerNetwork))
        {
            for (var i = 0; i < 9; i++)
            {
                await attacker.LoginAsync(username, "guess " + i).ShouldFailAsync("invalid_credentials");
            }

            await GuessFromManyNetworksAsync(username);
            await attacker.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
        }

        var login = await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        Assert.NotNull(login.Token);
    }

    [Fact]
    public async Task A_device_key_from_before_a_password_change_no_longer_gets_past_the_lockout()
    {
        const string NewPassword = "a different passphrase 42";
        var username = await RegisterAsync();
        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        var oldKey = (await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).DeviceKey!;
        await owner.ChangePasswordAsync(UserHelpers.Password, NewPassword).DefaultTimeout();
        using var renewed = _instance.CreateClientFrom(OwnerNetwork);
        var newKey = (await renewed.LoginAsync(username, NewPassword).DefaultTimeout()).DeviceKey!;
        await GuessFromManyNetworksAsync(username);

        using (var stale = _instance.CreateClientFrom(OwnerNetwork))
        {
            stale.DeviceKey = oldKey;
            await stale.LoginAsync(username, NewPassword).ShouldFailAsync("rate_limited");
        }

        // The key handed out after the change still works.
        using var current = _instance.CreateClientFrom(OwnerNetwork);
        current.DeviceKey = newKey;
        Assert.NotNull((await current.LoginAsync(username, NewPassword).DefaultTimeout()).Token);
    }

    [Fact]
    public async Task A_forged_device_key_or_one_of_another_account_does_not_get_past_the_lockout()
    {
        var username = await RegisterAsync();
        var otherName = await RegisterAsync();
        using var other = _instance.CreateClientFrom(OwnerNetwork);
        var otherKey = (await other.LoginAsync(otherName, UserHelpers.Password).DefaultTimeout()).DeviceKey!;
        await GuessFromManyNetworksAsync(username);

        var forged = "dk1_" + new string('A', otherKey.Length - 4);
        foreach (var key in new[] { otherKey, forged, "not a key" })
        {
            using var client = _instance.CreateClientFrom(OwnerNetwork);
            client.DeviceKey = key;
            await client.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
        }
    }

    [Fact]
    public async Task A_device_key_has_its_own_limit_so_a_stolen_one_cannot_guess_the_password()
    {
        var username = await RegisterAsync();
        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        using var thief = _instance.CreateClientFrom(OwnerNetwork);
        thief.DeviceKey = (await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).DeviceKey;
        await GuessFromManyNetworksAsync(username);

        for (var i = 0; i < 5; i++)
        {
            await thief.LoginAsync(username, "guess " + i).ShouldFailAsync("invalid_credentials");
        }

        // Past its own limit the key counts for nothing, and the account's lockout holds.
        await thief.LoginAsync(username, UserHelpers.Password).ShouldFailAsync("rate_limited");
    }

    [Fact]
    public async Task During_a_lockout_the_right_password_of_an_account_with_2fa_gets_the_challenge_and_its_second_factor_completes_the_log_in()
    {
        var username = await RegisterAsync();
        var recoveryCodes = await EnableTotpAsync(username);
        await GuessFromManyNetworksAsync(username);

        // A wrong password during the lockout gets the lockout answer, not a challenge and not invalid_credentials.
        using var owner = _instance.CreateClientFrom(OwnerNetwork);
        await owner.LoginAsync(username, "still guessing").ShouldFailAsync("rate_limited");

        var challenged = await owner.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        Assert.Null(challenged.Token);
        Assert.NotNull(challenged.SecondFactor);

        var completed = await owner.CompleteSecondFactorAsync(challenged.SecondFactor.Challenge, "recovery_code", recoveryCodes[0]).DefaultTimeout();
        Assert.NotNull(completed.Token);
        Assert.NotNull(completed.DeviceKey);
    }

    [Fact]
    public async Task During_a_lockout_an_unknown_username_gets_the_same_answer_as_a_real_one()
    {
        var username = await RegisterAsync();
        await GuessFromManyNetworksAsync(username);
        await GuessFromManyNetworksAsync("ghost_user");

        using var client = _instance.CreateClientFrom(OwnerNetwork);
        var real = await client.LoginAsync(username, "wrong").ShouldFailAsync("rate_limited");
        var ghost = await client.LoginAsync("ghost_user", "wrong").ShouldFailAsync("rate_limited");

        Assert.Equal(real.Status, ghost.Status);
        Assert.Equal(real.Title, ghost.Title);
    }

    private async Task<string> RegisterAsync()
    {
        using var client = _instance.CreateClient();
        var username = UserHelpers.UniqueUsername();
        await client.RegisterAsync(username, UserHelpers.Password).DefaultTimeout();
        return username;
    }

    /// <summary>
    /// Uses up the account's ceiling: one wrong password from each of many networks (127.0.1.x), each within its own
    /// limit, until the account answers rate_limited.
    /// </summary>
    private async Task GuessFromManyNetworksAsync(string username)
    {
        for (var i = 1; i < 100; i++)
        {
            using var guesser = _instance.CreateClientFrom(IPAddress.Parse("127.0.1." + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            try
            {
                await guesser.LoginAsync(username, "guess " + i).DefaultTimeout();
            }
            catch (RoostApiException failure) when (failure.Code == "rate_limited")
            {
                return;
            }
            catch (RoostApiException failure) when (failure.Code == "invalid_credentials")
            {
            }
        }

        Assert.Fail("The ceiling was never reached.");
    }

    private async Task<IReadOnlyList<string>> EnableTotpAsync(string username)
    {
        using var client = _instance.CreateClient();
        await client.LoginAsync(username, UserHelpers.Password).DefaultTimeout();
        var secret = AuthenticatorApp.DecodeSecret((await client.BeginTotpAsync(UserHelpers.Password).DefaultTimeout()).Secret);
        return (await client.ConfirmTotpAsync(Totp.Compute(secret, Totp.StepAt(_clock.GetUtcNow()))).DefaultTimeout()).RecoveryCodes;
    }
}
