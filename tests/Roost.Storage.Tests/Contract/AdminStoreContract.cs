using Roost.Core.Messaging;
using Roost.Core.Sessions;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's admin store must do: list and find users, disable them, revoke their sessions, count what is stored.</summary>
public abstract class AdminStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task Users_are_listed_by_id_in_pages_without_gaps_or_duplicates_and_without_deleted_ones()
    {
        var ids = await Store.AccountIdsAsync(Now, "u1", "u2", "u3", "u4", "u5", "u6");
        await Store.Accounts.DeleteAsync(ids[2], Now, None).DefaultTimeout();

        var listed = new List<long>();
        var pages = 0;
        for (var after = 0L; pages < 10; pages++)
        {
            var page = await Store.Admin.ListUsersAsync(after, 2, None).DefaultTimeout();
            Assert.True(page.Count <= 2);
            if (page.Count == 0)
            {
                break;
            }

            listed.AddRange(page.Select(u => u.Id));
            after = page[^1].Id;
        }

        Assert.Equal(ids.Where(id => id != ids[2]), listed);
    }

    [Fact]
    public async Task A_user_is_found_by_normalized_username_with_phone_devices_and_last_seen()
    {
        var alice = await Store.AccountAsync("Alice", Now);
        await Store.Identity.SetPhoneAsync(alice.Id, "+15550100001", None).DefaultTimeout();
        var laptop = await Store.DeviceAsync(alice.Id, Now);
        await Store.DeviceAsync(alice.Id, Now);
        await Store.Devices.TouchAsync(laptop.Id, Now.AddHours(2), null, None).DefaultTimeout();

        var found = await Store.Admin.FindUserAsync("alice", None).DefaultTimeout();

        Assert.Equal(new Roost.Core.Admin.AdminUser(alice.Id, "Alice", "Alice", "+15550100001", Now, null, 2, Now.AddHours(2)), found);
        Assert.Equal(found, Assert.Single(await Store.Admin.ListUsersAsync(0, 10, None).DefaultTimeout()));
        Assert.Null(await Store.Admin.FindUserAsync("Alice", None).DefaultTimeout());
        Assert.Null(await Store.Admin.FindUserAsync("nobody", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_user_without_devices_has_no_last_seen_time()
    {
        await Store.AccountAsync("alice", Now);

        var found = await Store.Admin.FindUserAsync("alice", None).DefaultTimeout();

        Assert.Equal((0, (DateTimeOffset?)null, (string?)null), (found!.Devices, found.LastSeenAt, found.Phone));
    }

    [Fact]
    public async Task Disabling_an_account_revokes_every_session_and_enabling_it_again_keeps_them_revoked()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        var token = SessionToken.Hash(SessionToken.Create());
        var device = await Store.DeviceAsync(ids[0], Now, token);
        var bobs = await Store.DeviceAsync(ids[1], Now);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Store.Admin.SetDisabledAsync(ids[0], Time.GetUtcNow(), None).DefaultTimeout());

        Assert.Equal(Time.GetUtcNow(), (await Store.Accounts.FindByIdAsync(ids[0], None).DefaultTimeout())?.DisabledAt);
        Assert.Equal(Time.GetUtcNow(), (await Store.Admin.FindUserAsync("alice", None).DefaultTimeout())?.DisabledAt);
        Assert.Null(await Store.Devices.FindByTokenHashAsync(token, None).DefaultTimeout());
        Assert.False(await Store.Devices.ExistsAsync(device.Id, None).DefaultTimeout());
        Assert.True(await Store.Devices.ExistsAsync(bobs.Id, None).DefaultTimeout());
        Assert.Equal(ids, (await Store.Admin.ListUsersAsync(0, 10, None).DefaultTimeout()).Select(u => u.Id));

        Assert.True(await Store.Admin.SetDisabledAsync(ids[0], null, None).DefaultTimeout());

        Assert.Null((await Store.Accounts.FindByIdAsync(ids[0], None).DefaultTimeout())?.DisabledAt);
        Assert.Empty(await Store.Devices.ListAsync(ids[0], None).DefaultTimeout());
        Assert.False(await Store.Admin.SetDisabledAsync(StoreFixtures.NoSuchId, Now, None).DefaultTimeout());
    }

    [Fact]
    public async Task Revoking_sessions_deletes_every_device_of_the_account_and_says_how_many()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        await Store.DeviceAsync(ids[0], Now);
        await Store.DeviceAsync(ids[0], Now);
        await Store.DeviceAsync(ids[0], Now);
        var bobs = await Store.DeviceAsync(ids[1], Now);

        Assert.Equal(3, await Store.Admin.RevokeSessionsAsync(ids[0], None).DefaultTimeout());
        Assert.Equal(0, await Store.Admin.RevokeSessionsAsync(ids[0], None).DefaultTimeout());

        Assert.Empty(await Store.Devices.ListAsync(ids[0], None).DefaultTimeout());
        Assert.Equal([bobs.Id], (await Store.Devices.ListAsync(ids[1], None).DefaultTimeout()).Select(d => d.Id));
        Assert.Null((await Store.Accounts.FindByIdAsync(ids[0], None).DefaultTimeout())?.DisabledAt);
    }

    [Fact]
    public async Task Stats_count_accounts_devices_conversations_messages_and_events()
    {
        var empty = await Store.Admin.GetStatsAsync(None).DefaultTimeout();
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        await Store.DeviceAsync(ids[0], Now);
        await Store.DeviceAsync(ids[1], Now);
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        var direct = await Store.DirectAsync(ids[0], ids[1], Now);
        await Store.SendAsync(group, ids[0], Now);
        await Store.SendAsync(group, ids[1], Now);
        await Store.SendAsync(direct, ids[1], Now);
        (await Store.Messages.MarkAsync(group, ids[2], ReceiptKinds.Read, 2, Now, None).DefaultTimeout()).Succeeded();
        var events = new HashSet<long>();
        foreach (var id in ids)
        {
            events.UnionWith((await Store.EventsAsync(id)).Select(e => e.Cursor));
        }

        var stats = await Store.Admin.GetStatsAsync(None).DefaultTimeout();

        Assert.Equal((0L, 0L, 0L, 0L, 0L), (empty.Accounts, empty.Devices, empty.Conversations, empty.Messages, empty.Events));
        Assert.Equal((3L, 2L, 2L, 3L, (long)events.Count), (stats.Accounts, stats.Devices, stats.Conversations, stats.Messages, stats.Events));
        Assert.True(stats.StoreBytes > 0);
    }
}
