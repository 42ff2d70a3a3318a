using Roost.Core.Accounts;
using Roost.Core.Sessions;

namespace Roost.Core.Tests.Sessions;

public sealed class SessionServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Last_seen_is_written_once_per_resolution_period_or_when_the_ip_changes()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var accounts = scope.Accounts(new Pbkdf2PasswordHasher(1_000));
        var sessions = new SessionService(scope.Store, scope.Time, scope.Router);
        await accounts.RegisterAsync(new Registration("alice", "correct horse", null), None);
        var signIn = (await accounts.LoginAsync(new LoginAttempt("alice", "correct horse", null, null, "10.0.0.1"), None)).Value;
        var created = signIn.Device!.LastSeenAt;

        scope.Time.Advance(TimeSpan.FromSeconds(30));
        await sessions.AuthenticateAsync(signIn.Token, "10.0.0.1", None);
        Assert.Equal(created, (await sessions.ListDevicesAsync(signIn.Account.Id, None)).Single().LastSeenAt);

        scope.Time.Advance(SessionService.LastSeenResolution);
        await sessions.AuthenticateAsync(signIn.Token, "10.0.0.1", None);
        Assert.Equal(scope.Time.GetUtcNow(), (await sessions.ListDevicesAsync(signIn.Account.Id, None)).Single().LastSeenAt);

        await sessions.AuthenticateAsync(signIn.Token, "10.0.0.2", None);
        Assert.Equal("10.0.0.2", (await sessions.ListDevicesAsync(signIn.Account.Id, None)).Single().LastIp);
    }

    [Fact]
    public async Task A_device_can_only_be_revoked_by_its_own_account()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var accounts = scope.Accounts(new Pbkdf2PasswordHasher(1_000));
        var sessions = new SessionService(scope.Store, scope.Time, scope.Router);
        await accounts.RegisterAsync(new Registration("alice", "correct horse", null), None);
        await accounts.RegisterAsync(new Registration("bob", "battery staple", null), None);
        var alice = (await accounts.LoginAsync(new LoginAttempt("alice", "correct horse", null, null, null), None)).Value;
        var bob = (await accounts.LoginAsync(new LoginAttempt("bob", "battery staple", null, null, null), None)).Value;

        var outcome = await sessions.RevokeDeviceAsync(alice.Account.Id, bob.Device!.Id, None);

        Assert.False(outcome.IsSuccess);
        Assert.NotNull(await sessions.AuthenticateAsync(bob.Token, null, None));
        Assert.True((await sessions.RevokeDeviceAsync(bob.Account.Id, bob.Device!.Id, None)).IsSuccess);
        Assert.Null(await sessions.AuthenticateAsync(bob.Token, null, None));
    }
}
