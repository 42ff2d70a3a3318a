using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Sessions;

/// <summary>A token speaks for its own account only: nothing another user owns can be read or changed with it.</summary>
public sealed class AuthorizationTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_user_sees_only_their_own_devices()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, _, bobLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        var aliceDevices = await alice.GetDevicesAsync().DefaultTimeout();

        Assert.Equal([aliceLogin.DeviceId!.Value], aliceDevices.Select(d => d.Id));
        Assert.DoesNotContain(bobLogin.DeviceId!.Value, aliceDevices.Select(d => d.Id));
    }

    [Fact]
    public async Task A_user_cannot_revoke_another_users_device()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, _, bobLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        // Not found rather than forbidden: the answer does not confirm that the device exists.
        await alice.RevokeDeviceAsync(bobLogin.DeviceId!.Value).ShouldFailAsync("not_found");

        Assert.Single(await bob.GetDevicesAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Profile_changes_touch_only_the_callers_account()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        await alice.UpdateProfileAsync("Changed by Alice", "mine").DefaultTimeout();

        var bobSeen = await alice.GetUserAsync(bobName).DefaultTimeout();
        Assert.Equal((bobName, ""), (bobSeen.DisplayName, bobSeen.About));
        Assert.Equal(bobName, (await bob.GetAccountAsync().DefaultTimeout()).DisplayName);
    }

    [Fact]
    public async Task Deleting_an_account_or_changing_a_password_affects_only_the_caller()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        await alice.ChangePasswordAsync(UserHelpers.Password, "alice's new passphrase").DefaultTimeout();
        await alice.DeleteAccountAsync("alice's new passphrase").DefaultTimeout();

        Assert.Single(await bob.GetDevicesAsync().DefaultTimeout());
        var (again, _) = await Instance.LoginAsync(bobName);
        again.Dispose();
    }
}
