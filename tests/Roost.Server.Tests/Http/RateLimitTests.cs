using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Http;

/// <summary>Each test starts an instance with small limits, so the limits are reached in a few requests.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Registrations_from_one_ip_beyond_the_limit_get_429_with_retry_after()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:RegisterPerIp:PermitLimit"] = "3",
            ["Roost:RateLimits:RegisterPerIp:Window"] = "01:00:00",
        });
        using var client = instance.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.RegisterAsync(UserHelpers.UniqueUsername(), UserHelpers.Password).DefaultTimeout();
        }

        var failure = await client.RegisterAsync(UserHelpers.UniqueUsername(), UserHelpers.Password).ShouldFailAsync("rate_limited");

        Assert.Equal(HttpStatusCode.TooManyRequests, failure.Status);
        Assert.NotNull(failure.RetryAfter);
        Assert.InRange(failure.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task After_the_attempt_limit_even_the_right_password_is_refused_for_that_account_from_that_network()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit"] = "6",
        });

        // One good log-in and five wrong ones use the six attempts.
        var (client, username, _) = await instance.RegisterAndLoginAsync();
        using var _c = client;
        for (var i = 0; i < 5; i++)
        {
            await instance.LoginAsync(username, "wrong password " + i).ShouldFailAsync("invalid_credentials");
        }

        var sixth = await instance.LoginAsync(username).ShouldFailAsync("rate_limited");

        Assert.NotNull(sixth.RetryAfter);

        // The limit is per account: another user from the same address still signs in.
        var (other, _, _) = await instance.RegisterAndLoginAsync();
        other.Dispose();
    }

    [Fact]
    public async Task Parallel_guesses_cannot_slip_past_the_limit()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit"] = "3",
        });
        using var client = instance.CreateClient();
        var username = UserHelpers.UniqueUsername();
        await client.RegisterAsync(username, UserHelpers.Password).DefaultTimeout();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await instance.LoginAsync(username, "guess " + i);
                return "ok";
            }
            catch (Roost.Client.RoostApiException failure)
            {
                return failure.Code;
            }
        })).DefaultTimeout();

        Assert.Equal(3, outcomes.Count(o => o == "invalid_credentials"));
        Assert.Equal(17, outcomes.Count(o => o == "rate_limited"));
    }

    [Fact]
    public async Task Failed_logins_for_a_username_that_does_not_exist_are_limited_the_same_way()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:LoginAttemptsPerAccount:PermitLimit"] = "2",
        });
        for (var i = 0; i < 2; i++)
        {
            await instance.LoginAsync("ghost_user").ShouldFailAsync("invalid_credentials");
        }

        await instance.LoginAsync("ghost_user").ShouldFailAsync("rate_limited");
    }

    [Fact]
    public async Task Login_attempts_from_one_ip_beyond_the_limit_get_429()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:LoginPerIp:PermitLimit"] = "3",
        });
        var (client, username, _) = await instance.RegisterAndLoginAsync();
        using var _c = client;
        await instance.LoginAsync(username).DefaultTimeout();
        await instance.LoginAsync(username).DefaultTimeout();

        await instance.LoginAsync(username).ShouldFailAsync("rate_limited");
    }

    [Fact]
    public async Task Password_checks_by_a_signed_in_account_are_limited()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:PasswordChecksPerAccount:PermitLimit"] = "2",
        });
        var (client, _, _) = await instance.RegisterAndLoginAsync();
        using var _c = client;
        await client.DeleteAccountAsync("wrong 1").ShouldFailAsync("invalid_credentials");
        await client.ChangePasswordAsync("wrong 2", "new passphrase!").ShouldFailAsync("invalid_credentials");

        await client.ChangePasswordAsync(UserHelpers.Password, "new passphrase!").ShouldFailAsync("rate_limited");
    }

    [Fact]
    public async Task Password_checks_stay_limited_after_a_restart()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:RateLimits:PasswordChecksPerAccount:PermitLimit"] = "2",
        });
        var (client, _, _) = await instance.RegisterAndLoginAsync();
        using var _c = client;
        await client.DeleteAccountAsync("wrong 1").ShouldFailAsync("invalid_credentials");
        await client.ChangePasswordAsync("wrong 2", "new passphrase!").ShouldFailAsync("invalid_credentials");

        await instance.RestartAsync();

        using var again = instance.CreateClient();
        again.AccessToken = client.AccessToken;
        var limited = await again.ChangePasswordAsync(UserHelpers.Password, "new passphrase!").ShouldFailAsync("rate_limited");
        Assert.NotNull(limited.RetryAfter);
    }
}
