using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Sessions;
using Roost.Testing;

namespace Roost.Core.Tests.Accounts;

public sealed class AccountServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Registration_reports_every_invalid_field_at_once()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var service = scope.Accounts(new Pbkdf2PasswordHasher(1_000));

        var outcome = await service.RegisterAsync(new Registration("a!", "short", new string('x', 65)), None).DefaultTimeout();

        Assert.False(outcome.IsSuccess);
        Assert.Equal(ErrorCodes.ValidationFailed, outcome.Error.Code);
        Assert.Equal(["displayName", "password", "username"], outcome.Error.FieldErrors!.Keys.Order());
    }

    [Fact]
    public async Task A_login_for_an_unknown_user_costs_one_password_derivation_like_a_wrong_password()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var hasher = new CountingHasher(1_000);
        var service = scope.Accounts(hasher);
        Assert.True((await service.RegisterAsync(new Registration("alice", "correct horse", null), None)).IsSuccess);

        hasher.Derivations = 0;
        var unknown = await service.LoginAsync(new LoginAttempt("nobody", "correct horse", null, null, null), None);
        var unknownCost = hasher.Derivations;
        hasher.Derivations = 0;
        var wrong = await service.LoginAsync(new LoginAttempt("alice", "wrong horse", null, null, null), None);

        Assert.Equal(1, unknownCost);
        Assert.Equal(1, hasher.Derivations);
        Assert.Equal(wrong.Error, unknown.Error);
        Assert.Equal(ErrorCodes.InvalidCredentials, unknown.Error!.Code);
    }

    [Fact]
    public async Task A_login_upgrades_a_hash_made_with_fewer_iterations()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var weak = scope.Accounts(new Pbkdf2PasswordHasher(1_000));
        var account = (await weak.RegisterAsync(new Registration("alice", "correct horse", null), None)).Value;
        Assert.StartsWith("pbkdf2-sha256$1000$", account.PasswordHash, StringComparison.Ordinal);

        var strong = scope.Accounts(new Pbkdf2PasswordHasher(2_000));
        Assert.True((await strong.LoginAsync(new LoginAttempt("alice", "correct horse", "phone", "ios", "127.0.0.1"), None)).IsSuccess);

        var stored = await scope.Store.Accounts.FindByIdAsync(account.Id, None);
        Assert.StartsWith("pbkdf2-sha256$2000$", stored!.PasswordHash, StringComparison.Ordinal);
        Assert.True((await strong.LoginAsync(new LoginAttempt("ALICE", "correct horse", null, null, null), None)).IsSuccess);
    }

    [Fact]
    public async Task A_login_creates_a_device_verified_by_password_whose_token_authenticates()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var accounts = scope.Accounts(new Pbkdf2PasswordHasher(1_000));
        var sessions = new SessionService(scope.Store, scope.Time, scope.Router);
        await accounts.RegisterAsync(new Registration("alice", "correct horse", "Alice"), None);

        var signIn = (await accounts.LoginAsync(new LoginAttempt("alice", "correct horse", "Pixel", "android", "10.0.0.1"), None)).Value;
        var device = await sessions.AuthenticateAsync(signIn.Token, "10.0.0.1", None);

        Assert.NotNull(device);
        Assert.Equal(signIn.Device!.Id, device.DeviceId);
        Assert.Equal(VerificationMethods.Password, signIn.Device!.VerifiedBy);
        Assert.Equal("Pixel", signIn.Device!.Name);
        Assert.Null(await sessions.AuthenticateAsync(SessionToken.Create(), null, None));
    }
}
