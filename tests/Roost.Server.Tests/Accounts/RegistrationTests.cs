using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Accounts;

public sealed class RegistrationTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_new_user_registers_and_gets_their_account_back()
    {
        using var client = Instance.CreateClient();
        var username = UserHelpers.UniqueUsername("Reg");

        var account = await client.RegisterAsync(username, UserHelpers.Password, "Regina").DefaultTimeout();

        Assert.Equal(username, account.Username);
        Assert.Equal("Regina", account.DisplayName);
        Assert.Equal("", account.About);
        Assert.True(account.Id > 0);
    }

    [Fact]
    public async Task The_display_name_defaults_to_the_username()
    {
        using var client = Instance.CreateClient();
        var username = UserHelpers.UniqueUsername();

        var account = await client.RegisterAsync(username, UserHelpers.Password).DefaultTimeout();

        Assert.Equal(username, account.DisplayName);
    }

    [Fact]
    public async Task A_username_is_unique_whatever_its_case()
    {
        using var client = Instance.CreateClient();
        var username = UserHelpers.UniqueUsername("case");
        await client.RegisterAsync(username, UserHelpers.Password).DefaultTimeout();

        var failure = await client.RegisterAsync(username.ToUpperInvariant(), UserHelpers.Password).ShouldFailAsync("username_taken");

        Assert.Equal(HttpStatusCode.Conflict, failure.Status);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_in_one_answer()
    {
        using var client = Instance.CreateClient();

        var failure = await client.RegisterAsync("no spaces allowed", "short", new string('x', 100)).ShouldFailAsync("validation_failed");

        Assert.Equal(HttpStatusCode.BadRequest, failure.Status);
        Assert.Equal(["displayName", "password", "username"], failure.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("bad-dash")]
    [InlineData("emoji🦜")]
    public async Task Usernames_outside_the_rules_are_refused(string username)
    {
        using var client = Instance.CreateClient();

        var failure = await client.RegisterAsync(username, UserHelpers.Password).ShouldFailAsync("validation_failed");

        Assert.Contains("username", failure.Errors.Keys);
    }

    [Fact]
    public async Task A_password_longer_than_256_characters_is_refused()
    {
        using var client = Instance.CreateClient();

        var failure = await client.RegisterAsync(UserHelpers.UniqueUsername(), new string('p', 257)).ShouldFailAsync("validation_failed");

        Assert.Equal(["password"], failure.Errors.Keys);
    }
}
