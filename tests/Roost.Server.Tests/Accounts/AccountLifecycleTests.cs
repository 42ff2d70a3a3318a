using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Accounts;

public sealed class AccountLifecycleTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task Changing_the_password_signs_out_every_other_device_but_keeps_this_one()
    {
        var (phone, username, phoneLogin) = await Instance.RegisterAndLoginAsync(deviceName: "phone");
        var (laptop, _) = await Instance.LoginAsync(username, deviceName: "laptop");
        using var _p = phone;
        using var _l = laptop;

        await phone.ChangePasswordAsync(UserHelpers.Password, "a brand new passphrase").DefaultTimeout();

        var devices = await phone.GetDevicesAsync().DefaultTimeout();
        Assert.Equal([phoneLogin.DeviceId!.Value], devices.Select(d => d.Id));
        await laptop.GetDevicesAsync().ShouldFailAsync("unauthorized");
        await Instance.LoginAsync(username).ShouldFailAsync("invalid_credentials");
        await Instance.LoginAsync(username, "a brand new passphrase").DefaultTimeout();
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one()
    {
        var (client, username, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;

        var failure = await client.ChangePasswordAsync("not my password", "a brand new passphrase").ShouldFailAsync("invalid_credentials");

        Assert.Equal(HttpStatusCode.Forbidden, failure.Status);
        await Instance.LoginAsync(username).DefaultTimeout();
    }

    [Fact]
    public async Task A_new_password_must_follow_the_password_rules()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;

        var failure = await client.ChangePasswordAsync(UserHelpers.Password, "short").ShouldFailAsync("validation_failed");

        Assert.Equal(["newPassword"], failure.Errors.Keys);
    }

    [Fact]
    public async Task Deleting_the_account_needs_the_password_and_then_removes_everything()
    {
        var (client, username, _) = await Instance.RegisterAndLoginAsync();
        var (other, _) = await Instance.LoginAsync(username);
        var (watcher, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        using var _o = other;
        using var _w = watcher;

        await client.DeleteAccountAsync("wrong password").ShouldFailAsync("invalid_credentials");
        await client.GetAccountAsync().DefaultTimeout();

        await client.DeleteAccountAsync(UserHelpers.Password).DefaultTimeout();

        await other.GetDevicesAsync().ShouldFailAsync("unauthorized");
        await Instance.LoginAsync(username).ShouldFailAsync("invalid_credentials");
        await watcher.GetUserAsync(username).ShouldFailAsync("not_found");
    }
}
