using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Identity;
using Roost.Core.RateLimiting;
using Roost.Core.Sessions;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Core.Tests;

/// <summary>A real embedded store in a temporary folder, for use-case tests that need durable state.</summary>
internal sealed class SqliteScope : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private SqliteScope(ManualTimeProvider time)
    {
        Time = time;
        Store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory.Path }, time, NullLogger<SqliteStore>.Instance);
    }

    public ManualTimeProvider Time { get; }

    public DeviceKeys DeviceKeys { get; } = new(new SecretProtector(new byte[32]).DeviceKeyKey);

    private static LoginLockoutLimits UnreachedLimits { get; } = new(
        new AttemptWindow(100_000, TimeSpan.FromMinutes(15)), new AttemptWindow(100_000, TimeSpan.FromMinutes(15)), new AttemptWindow(100_000, TimeSpan.FromMinutes(15)));

    public RecordingSmsChannel Sms { get; } = new();

    public SqliteStore Store { get; }

    public static async Task<SqliteScope> OpenAsync()
    {
        var scope = new SqliteScope(new ManualTimeProvider());
        await scope.Store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return scope;
    }

    /// <summary>Where the use cases close revoked sessions' connections (none are live in these tests).</summary>
    public EventRouter Router { get; } = new();

    /// <summary>The account use cases wired as the server wires them, with <paramref name="hasher"/> for passwords.</summary>
    public AccountService Accounts(IPasswordHasher hasher) =>
        new(Store, hasher, TwoFactor(hasher), new LoginLockout(new StoreLoginAttemptCounter(Store, Time), UnreachedLimits), DeviceKeys, Time, Router);

    public TwoFactorService TwoFactor(IPasswordHasher hasher)
    {
        var protector = new SecretProtector(new byte[32]);
        var limits = new IdentityLimits();
        return new TwoFactorService(Store, hasher, protector, Codes(), new DeviceIssuer(Store, DeviceKeys, Time), limits, Time);
    }

    /// <summary>One-time codes as the server wires them, sending to <see cref="Sms"/>.</summary>
    public OneTimeCodeService Codes() =>
        new(Store, Sms, new SecretProtector(new byte[32]), new SmsNumberPolicy(SmsCountryRules.Everywhere), new IdentityLimits(), Time);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
