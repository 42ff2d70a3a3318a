using System.Globalization;
using System.Net;
using Roost.Core.Identity;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Identity;

/// <summary>The per-account limit on second-factor attempts, across challenges, is kept in the store: a restart does not lift it.</summary>
public sealed class SecondFactorLimitTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private RoostInstance _instance = null!;

    public async ValueTask InitializeAsync() => _instance = await RoostInstance.StartAsync(time: _clock);

    public async ValueTask DisposeAsync() => await _instance.DisposeAsync();

    [Fact]
    public async Task Ten_wrong_second_factors_lock_the_account_out_of_second_factors_even_after_a_restart_until_the_window_ends()
    {
        var (username, recoveryCodes) = await RegisterWithTotpAsync();
        for (var challengeNumber = 0; challengeNumber < 2; challengeNumber++)
        {
            using var guesser = _instance.CreateClient();
            var challenge = (await guesser.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;
            for (var i = 0; i < 5; i++)
            {
                var guess = "zzzz-zzzz-" + (challengeNumber * 5 + i).ToString("00", CultureInfo.InvariantCulture);
                await guesser.CompleteSecondFactorAsync(challenge, "recovery_code", guess).ShouldFailAsync("invalid_code");
            }
        }

        await _instance.RestartAsync();

        using var owner = _instance.CreateClient();
        var locked = await owner.CompleteSecondFactorAsync(await ChallengeAsync(owner, username), "recovery_code", recoveryCodes[0]).ShouldFailAsync("rate_limited");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        Assert.NotNull(locked.RetryAfter);

        _clock.Advance(TimeSpan.FromMinutes(15));
        var completed = await owner.CompleteSecondFactorAsync(await ChallengeAsync(owner, username), "recovery_code", recoveryCodes[0]).DefaultTimeout();
        Assert.NotNull(completed.Token);
    }

    private static async Task<string> ChallengeAsync(Roost.Client.RoostClient client, string username) =>
        (await client.LoginAsync(username, UserHelpers.Password).DefaultTimeout()).SecondFactor!.Challenge;

    private async Task<(string Username, IReadOnlyList<string> RecoveryCodes)> RegisterWithTotpAsync()
    {
        var (client, username, _) = await _instance.RegisterAndLoginAsync();
        using var _c = client;
        var secret = AuthenticatorApp.DecodeSecret((await client.BeginTotpAsync(UserHelpers.Password).DefaultTimeout()).Secret);
        var confirmed = await client.ConfirmTotpAsync(Totp.Compute(secret, Totp.StepAt(_clock.GetUtcNow()))).DefaultTimeout();
        return (username, confirmed.RecoveryCodes);
    }
}
