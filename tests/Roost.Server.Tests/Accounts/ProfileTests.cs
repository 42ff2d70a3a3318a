using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Accounts;

public sealed class ProfileTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_user_reads_and_updates_their_own_profile()
    {
        var (client, username, login) = await Instance.RegisterAndLoginAsync();
        using var _ = client;

        var before = await client.GetAccountAsync().DefaultTimeout();
        var renamed = await client.UpdateProfileAsync(displayName: "Ada L.").DefaultTimeout();
        var described = await client.UpdateProfileAsync(about: "Analytical engines.\nAnd poetry.").DefaultTimeout();

        Assert.Equal((login.AccountId, username, username), (before.Id, before.Username, before.DisplayName));
        Assert.Null(before.AvatarUrl);
        Assert.Equal("Ada L.", renamed.DisplayName);
        Assert.Equal(("Ada L.", "Analytical engines.\nAnd poetry."), (described.DisplayName, described.About));
        Assert.Equal(described, await client.GetAccountAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Profile_text_beyond_its_limits_is_refused_and_nothing_changes()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        var before = await client.GetAccountAsync().DefaultTimeout();

        var failure = await client.UpdateProfileAsync(displayName: new string('d', 65), about: new string('a', 501)).ShouldFailAsync("validation_failed");

        Assert.Equal(["about", "displayName"], failure.Errors.Keys.Order());
        Assert.Equal(before, await client.GetAccountAsync().DefaultTimeout());
    }

    [Fact]
    public async Task A_signed_in_user_looks_another_user_up_by_username_in_any_case()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        await bob.UpdateProfileAsync("Bob B.", "Hello").DefaultTimeout();

        var found = await alice.GetUserAsync(bobName.ToUpperInvariant()).DefaultTimeout();

        Assert.Equal((bobLogin.AccountId, bobName, "Bob B.", "Hello"), (found.Id, found.Username, found.DisplayName, found.About));
    }

    [Fact]
    public async Task Looking_up_an_unknown_or_invalid_username_is_not_found()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;

        var unknown = await client.GetUserAsync("nobody_here_at_all").ShouldFailAsync("not_found");
        await client.GetUserAsync("not a username!").ShouldFailAsync("not_found");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Fact]
    public async Task Looking_users_up_requires_a_token()
    {
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var anonymous = Instance.CreateClient();

        await anonymous.GetUserAsync(bobName).ShouldFailAsync("unauthorized");
    }
}
