using Roost.Core.Accounts;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Testing;

namespace Roost.Storage.Tests;

/// <summary>
/// What every store engine must do, written once. Each engine derives from this class and says how to open
/// a fresh store and how to reopen the same data (the pattern of SignalR's ScaleoutHubLifetimeManagerTests).
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    protected IRoostStore Store { get; set; } = null!;

    public async ValueTask InitializeAsync() => Store = await OpenAsync().DefaultTimeout();

    public virtual async ValueTask DisposeAsync() => await Store.DisposeAsync();

    /// <summary>Opens (and initializes) the store on this test's data; called again after a dispose to reopen it.</summary>
    protected abstract Task<IRoostStore> OpenAsync();

    [Fact]
    public async Task A_created_account_is_found_by_id_and_by_normalized_username()
    {
        var created = await CreateAccountAsync("Alice");

        Assert.Equal("Alice", created.Username);
        Assert.Equal(Now, created.CreatedAt);
        Assert.Equal(created, await Store.Accounts.FindByIdAsync(created.Id, None).DefaultTimeout());
        Assert.Equal(created, await Store.Accounts.FindByUsernameAsync("alice", None).DefaultTimeout());
        Assert.Null(await Store.Accounts.FindByUsernameAsync("Alice", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_username_taken_in_any_case_is_refused()
    {
        await CreateAccountAsync("alice");
        Assert.Null(await Store.Accounts.CreateAsync(NewAccount("ALICE"), None).DefaultTimeout());
    }

    [Fact]
    public async Task Concurrent_creates_of_one_username_leave_exactly_one_account()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Store.Accounts.CreateAsync(NewAccount("race"), None))).DefaultTimeout();

        Assert.Single(attempts, a => a is not null);
    }

    [Fact]
    public async Task Many_concurrent_writes_all_commit()
    {
        var accounts = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Store.Accounts.CreateAsync(NewAccount($"user{i}"), None))).DefaultTimeout();

        Assert.All(accounts, Assert.NotNull);
        Assert.Equal(500, accounts.Select(a => a!.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_device_is_found_by_its_token_hash_and_listed_for_its_account_only()
    {
        var alice = await CreateAccountAsync("alice");
        var bob = await CreateAccountAsync("bob");
        var hash = SessionToken.Hash(SessionToken.Create());
        var device = await CreateDeviceAsync(new NewDevice(alice.Id, hash, "laptop", "linux", VerificationMethods.Password, Now, "10.0.0.1"));
        await CreateDeviceAsync(NewDevice(bob.Id));

        var found = await Store.Devices.FindByTokenHashAsync(hash, None).DefaultTimeout();

        Assert.Equal(new AuthenticatedDevice(alice.Id, device.Id, "alice", Now, "10.0.0.1"), found);
        var listed = Assert.Single(await Store.Devices.ListAsync(alice.Id, None).DefaultTimeout());
        Assert.Equal(device, listed);
        Assert.Equal(new Device(device.Id, alice.Id, "laptop", "linux", VerificationMethods.Password, Now, Now, "10.0.0.1"), listed);
    }

    [Fact]
    public async Task A_device_for_an_account_that_no_longer_exists_is_not_created()
    {
        var gone = await CreateAccountAsync("gone");
        await Store.Accounts.DeleteAsync(gone.Id, Now, None).DefaultTimeout();

        Assert.Null(await Store.Devices.CreateAsync(NewDevice(gone.Id), None).DefaultTimeout());
    }

    [Fact]
    public async Task Touching_a_device_records_when_and_where_it_was_last_seen()
    {
        var alice = await CreateAccountAsync("alice");
        var device = await CreateDeviceAsync(NewDevice(alice.Id));

        await Store.Devices.TouchAsync(device.Id, Now.AddHours(1), "192.0.2.7", None).DefaultTimeout();

        var listed = Assert.Single(await Store.Devices.ListAsync(alice.Id, None).DefaultTimeout());
        Assert.Equal(Now.AddHours(1), listed.LastSeenAt);
        Assert.Equal("192.0.2.7", listed.LastIp);
    }

    [Fact]
    public async Task A_device_is_deleted_only_through_its_own_account()
    {
        var alice = await CreateAccountAsync("alice");
        var bob = await CreateAccountAsync("bob");
        var hash = SessionToken.Hash(SessionToken.Create());
        var device = await CreateDeviceAsync(NewDevice(bob.Id, hash));

        Assert.False(await Store.Devices.DeleteAsync(alice.Id, device.Id, None).DefaultTimeout());
        Assert.NotNull(await Store.Devices.FindByTokenHashAsync(hash, None).DefaultTimeout());
        Assert.True(await Store.Devices.DeleteAsync(bob.Id, device.Id, None).DefaultTimeout());
        Assert.Null(await Store.Devices.FindByTokenHashAsync(hash, None).DefaultTimeout());
    }

    [Fact]
    public async Task Changing_the_password_revokes_every_other_device_in_the_same_commit()
    {
        var alice = await CreateAccountAsync("alice");
        var keep = await CreateDeviceAsync(NewDevice(alice.Id));
        var other = await CreateDeviceAsync(NewDevice(alice.Id));

        Assert.True(await Store.Accounts.ChangePasswordAsync(alice.Id, "new-hash", keep.Id, None).DefaultTimeout());

        Assert.Equal("new-hash", (await Store.Accounts.FindByIdAsync(alice.Id, None).DefaultTimeout())!.PasswordHash);
        Assert.Equal([keep.Id], (await Store.Devices.ListAsync(alice.Id, None).DefaultTimeout()).Select(d => d.Id));
        Assert.DoesNotContain(other.Id, (await Store.Devices.ListAsync(alice.Id, None).DefaultTimeout()).Select(d => d.Id));
    }

    [Fact]
    public async Task A_profile_change_leaves_omitted_members_as_they_were()
    {
        var alice = await CreateAccountAsync("alice");

        var renamed = await Store.Accounts.UpdateProfileAsync(alice.Id, new ProfileChange("Alice A.", null), None).DefaultTimeout();
        var described = await Store.Accounts.UpdateProfileAsync(alice.Id, new ProfileChange(null, "Hi there"), None).DefaultTimeout();

        Assert.Equal("Alice A.", renamed!.DisplayName);
        Assert.Equal(("Alice A.", "Hi there"), (described!.DisplayName, described.About));
        Assert.Null(await Store.Accounts.UpdateProfileAsync(999_999, new ProfileChange("x", null), None).DefaultTimeout());
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_devices_and_frees_nothing_else()
    {
        var alice = await CreateAccountAsync("alice");
        var bob = await CreateAccountAsync("bob");
        var aliceToken = SessionToken.Hash(SessionToken.Create());
        var bobToken = SessionToken.Hash(SessionToken.Create());
        await CreateDeviceAsync(NewDevice(alice.Id, aliceToken));
        await CreateDeviceAsync(NewDevice(bob.Id, bobToken));

        Assert.True(await Store.Accounts.DeleteAsync(alice.Id, Now, None).DefaultTimeout());

        Assert.Null(await Store.Accounts.FindByIdAsync(alice.Id, None).DefaultTimeout());
        Assert.Null(await Store.Devices.FindByTokenHashAsync(aliceToken, None).DefaultTimeout());
        Assert.NotNull(await Store.Devices.FindByTokenHashAsync(bobToken, None).DefaultTimeout());
        Assert.False(await Store.Accounts.DeleteAsync(alice.Id, Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task Ids_of_deleted_accounts_and_devices_are_never_reused()
    {
        var first = await CreateAccountAsync("first");
        var device = await CreateDeviceAsync(NewDevice(first.Id));
        await Store.Accounts.DeleteAsync(first.Id, Now, None).DefaultTimeout();

        var second = await CreateAccountAsync("second");
        var secondDevice = await CreateDeviceAsync(NewDevice(second.Id));

        Assert.True(second.Id > first.Id);
        Assert.True(secondDevice.Id > device.Id);
    }

    [Fact]
    public async Task Committed_data_survives_closing_and_reopening_the_store()
    {
        var alice = await CreateAccountAsync("alice");
        var hash = SessionToken.Hash(SessionToken.Create());
        await CreateDeviceAsync(NewDevice(alice.Id, hash));

        await Store.DisposeAsync();
        Store = await OpenAsync().DefaultTimeout();

        Assert.Equal(alice, await Store.Accounts.FindByUsernameAsync("alice", None).DefaultTimeout());
        Assert.NotNull(await Store.Devices.FindByTokenHashAsync(hash, None).DefaultTimeout());
    }

    [Fact]
    public async Task An_initialized_store_is_healthy_at_the_expected_schema_version()
    {
        var health = await Store.CheckHealthAsync(None).DefaultTimeout();

        Assert.True(health.IsHealthy, health.Problem);
        Assert.Equal(health.ExpectedSchemaVersion, health.SchemaVersion);
    }

    private async Task<Device> CreateDeviceAsync(NewDevice device) =>
        (await Store.Devices.CreateAsync(device, None).DefaultTimeout())!;

    private async Task<Account> CreateAccountAsync(string username) =>
        (await Store.Accounts.CreateAsync(NewAccount(username), None).DefaultTimeout())!;

    private static NewAccount NewAccount(string username) =>
        new(username, Username.Normalize(username), "pbkdf2-sha256$1$AA==$AA==", username, Now);

    private static NewDevice NewDevice(long accountId, byte[]? tokenHash = null) =>
        new(accountId, tokenHash ?? SessionToken.Hash(SessionToken.Create()), "device", "test", VerificationMethods.Password, Now, null);
}
