using Roost.Core.Conversations;
using Roost.Core.Identity;
using Roost.Core.Sessions;
using Roost.Protocol.Events;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine must do when an account is deleted: its devices go, its conversations hear of it, and its groups get a new owner.</summary>
public abstract class AccountStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task Deleting_an_account_tells_the_other_members_of_each_conversation_with_reason_deleted()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol, dave) = (ids[0], ids[1], ids[2], ids[3]);
        var direct = await Store.DirectAsync(alice, bob, Now);
        var group = await Store.GroupAsync(carol, [alice, bob], Now);
        var left = await Store.GroupAsync(dave, [alice], Now);
        await Store.RemoveAsync(left, alice, alice, Now);
        var daveBefore = (await Store.EventsAsync(dave))[^1].Cursor;

        Assert.True(await Store.Accounts.DeleteAsync(alice, Now, None).DefaultTimeout());

        var bobHears = await Store.EventsAsync<MemberRemovedEvent>(bob);
        Assert.Equal([direct, group], bobHears.Select(e => e.ConversationId).Order());
        Assert.All(bobHears, e => Assert.Equal((alice, "deleted"), (e.AccountId, e.Reason)));
        var carolHears = Assert.Single(await Store.EventsAsync<MemberRemovedEvent>(carol));
        Assert.Equal((group, alice, "deleted"), (carolHears.ConversationId, carolHears.AccountId, carolHears.Reason));
        Assert.Empty(await Store.EventsAsync(dave, daveBefore));
    }

    [Fact]
    public async Task A_deleted_account_is_no_longer_a_member_or_a_contact_of_anyone()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var (alice, bob, carol) = (ids[0], ids[1], ids[2]);
        await Store.DirectAsync(alice, bob, Now);
        var group = await Store.GroupAsync(carol, [alice, bob], Now);

        await Store.Accounts.DeleteAsync(alice, Now, None).DefaultTimeout();

        Assert.Equal([bob, carol], (await Store.Conversations.GetMemberIdsIfMemberAsync(group, bob, None).DefaultTimeout())!.Order());
        Assert.Equal([bob, carol], (await Store.ViewAsync(group, carol)).Members.Select(m => m.AccountId).Order());
        Assert.Equal([carol], await Store.Conversations.GetContactsAsync(bob, None).DefaultTimeout());
        await Store.SendAsync(group, bob, Now);
        Assert.DoesNotContain(alice, await AudienceOfLastMessageAsync(group, ids));
    }

    [Fact]
    public async Task A_deleted_owners_group_passes_to_its_longest_standing_admin()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol, dave) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(alice, [bob], Now);
        await Store.AddAsync(group, alice, carol, Now.AddMinutes(1));
        await Store.AddAsync(group, alice, dave, Now.AddMinutes(2));
        await Store.SetRoleAsync(group, alice, dave, MemberRoles.Admin, Now);
        await Store.SetRoleAsync(group, alice, carol, MemberRoles.Admin, Now);
        var cursors = await CursorsAsync(ids);

        await Store.Accounts.DeleteAsync(alice, Now, None).DefaultTimeout();

        Assert.Equal([MemberRoles.Member, MemberRoles.Owner, MemberRoles.Admin], await RolesAsync(group, bob, bob, carol, dave));
        foreach (var id in new[] { bob, carol, dave })
        {
            var change = Assert.Single(await EventsAfterAsync<MemberRoleChangedEvent>(id, cursors));
            Assert.Equal((group, carol, MemberRoles.Owner), (change.ConversationId, change.AccountId, change.Role));
        }
    }

    [Fact]
    public async Task A_deleted_owners_group_without_admins_passes_to_its_longest_standing_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol, dave) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(alice, [], Now);
        await Store.AddAsync(group, alice, dave, Now.AddMinutes(1));
        await Store.AddAsync(group, alice, bob, Now.AddMinutes(2));
        await Store.AddAsync(group, alice, carol, Now.AddMinutes(3));

        await Store.Accounts.DeleteAsync(alice, Now.AddMinutes(4), None).DefaultTimeout();

        Assert.Equal([MemberRoles.Member, MemberRoles.Member, MemberRoles.Owner], await RolesAsync(group, bob, bob, carol, dave));
        Assert.True((await Store.Conversations.RenameAsync(group, dave, "Dave's", Now, None).DefaultTimeout()).IsSuccess);
    }

    [Fact]
    public async Task Deleting_the_only_member_of_a_group_succeeds()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.GroupAsync(alice.Id, [], Now);

        Assert.True(await Store.Accounts.DeleteAsync(alice.Id, Now, None).DefaultTimeout());
        Assert.Null(await Store.Accounts.FindByIdAsync(alice.Id, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_deleted_accounts_devices_and_pending_log_ins_are_gone()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        var token = SessionToken.Hash(SessionToken.Create());
        var device = await Store.DeviceAsync(ids[0], Now, token);
        await Store.DeviceAsync(ids[0], Now);
        var bobs = await Store.DeviceAsync(ids[1], Now);
        var challenge = SessionToken.Hash(SessionToken.Create());
        await Store.Identity.CreateChallengeAsync(challenge, new LoginChallenge(ids[0], "password", "laptop", "linux", null, Now.AddMinutes(5)), None).DefaultTimeout();

        Assert.True(await Store.Accounts.DeleteAsync(ids[0], Now, None).DefaultTimeout());

        Assert.Null(await Store.Devices.FindByTokenHashAsync(token, None).DefaultTimeout());
        Assert.False(await Store.Devices.ExistsAsync(device.Id, None).DefaultTimeout());
        Assert.Empty(await Store.Devices.ListAsync(ids[0], None).DefaultTimeout());
        Assert.True(await Store.Devices.ExistsAsync(bobs.Id, None).DefaultTimeout());
        Assert.Null(await Store.Admin.FindUserAsync("alice", None).DefaultTimeout());
        Assert.Null(await Store.Identity.FindChallengeAsync(challenge, Now, None).DefaultTimeout());
        Assert.False(await Store.Accounts.DeleteAsync(ids[0], Now, None).DefaultTimeout());
    }

    private async Task<string[]> RolesAsync(long conversationId, long asAccountId, params long[] accountIds)
    {
        var members = (await Store.ViewAsync(conversationId, asAccountId)).Members;
        Assert.Equal(accountIds.Order(), members.Select(m => m.AccountId).Order());
        return [.. accountIds.Select(id => members.Single(m => m.AccountId == id).Role)];
    }

    private async Task<Dictionary<long, long>> CursorsAsync(IEnumerable<long> accountIds)
    {
        var cursors = new Dictionary<long, long>();
        foreach (var id in accountIds)
        {
            var events = await Store.EventsAsync(id);
            cursors[id] = events.Count == 0 ? 0 : events[^1].Cursor;
        }

        return cursors;
    }

    private async Task<List<T>> EventsAfterAsync<T>(long accountId, Dictionary<long, long> cursors)
        where T : RoostEvent =>
        await Store.EventsAsync<T>(accountId, cursors[accountId]);

    private async Task<long[]> AudienceOfLastMessageAsync(long conversationId, IEnumerable<long> accountIds)
    {
        var audience = new List<long>();
        foreach (var id in accountIds)
        {
            var created = await Store.EventsAsync<MessageCreatedEvent>(id);
            if (created.Any(e => e.Message.ConversationId == conversationId))
            {
                audience.Add(id);
            }
        }

        return [.. audience];
    }
}
