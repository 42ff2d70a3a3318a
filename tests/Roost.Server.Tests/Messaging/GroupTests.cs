using System.Net;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

public sealed class GroupTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_group_of_three_exchanges_messages_that_every_member_receives_once()
    {
        var (owner, _, ownerLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        var (carol, carolName, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _b = bob;
        using var _c = carol;
        var group = await owner.CreateGroupAsync("Trio", [bobName, carolName]).DefaultTimeout();
        await using var ownerLive = await owner.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();
        await using var carolLive = await carol.ConnectLiveAsync();

        await ownerLive.SendMessageAsync(group.Id, "from owner").DefaultTimeout();
        await bobLive.SendMessageAsync(group.Id, "from bob").DefaultTimeout();
        await carolLive.SendMessageAsync(group.Id, "from carol").DefaultTimeout();

        foreach (var live in new[] { ownerLive, bobLive, carolLive })
        {
            var messages = await live.ReadMessagesAsync(3);
            Assert.Equal([1L, 2L, 3L], messages.Select(m => m.Event.Message.Seq));
            Assert.DoesNotContain(await live.DrainAsync(), f => f.Event is MessageCreatedEvent);
        }

        Assert.Equal(("group", "Trio", 3), (group.Kind, group.Title, group.Members.Count));
        Assert.Equal("owner", group.Members.Single(m => m.AccountId == ownerLogin.AccountId).Role);
    }

    [Fact]
    public async Task A_removed_member_receives_nothing_new_and_cannot_send_but_keeps_what_they_saw()
    {
        var (owner, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (carol, carolName, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _b = bob;
        using var _c = carol;
        var group = await owner.CreateGroupAsync("Pruned", [bobName, carolName]).DefaultTimeout();
        await owner.SendMessageAsync(group.Id, "before removal").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        await owner.RemoveMemberAsync(group.Id, bobLogin.AccountId).DefaultTimeout();
        var removed = await bobLive.NextEventAsync<MemberRemovedEvent>();
        await owner.SendMessageAsync(group.Id, "after removal").DefaultTimeout();

        Assert.Equal((bobLogin.AccountId, "removed"), (removed.AccountId, removed.Reason));
        Assert.DoesNotContain(await bobLive.DrainAsync(), f => f.Event is MessageCreatedEvent);
        await bob.SendMessageAsync(group.Id, "let me in").ShouldFailAsync("not_a_member");
        var history = await bob.GetMessagesAsync(group.Id).DefaultTimeout();
        Assert.Equal(["before removal"], history.Messages.Select(m => m.Body));
        Assert.DoesNotContain(group.Id, (await bob.GetConversationsAsync().DefaultTimeout()).Conversations.Select(c => c.Id));
    }

    [Fact]
    public async Task A_new_member_sees_only_messages_sent_after_joining()
    {
        var (owner, _, _) = await Instance.RegisterAndLoginAsync();
        var (dave, daveName, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _d = dave;
        var group = await owner.CreateGroupAsync("Late joiners", []).DefaultTimeout();
        await owner.SendMessageAsync(group.Id, "secret past").DefaultTimeout();

        await owner.AddMembersAsync(group.Id, [daveName]).DefaultTimeout();
        await owner.SendMessageAsync(group.Id, "welcome").DefaultTimeout();

        var history = await dave.GetMessagesAsync(group.Id).DefaultTimeout();
        Assert.Equal(["welcome"], history.Messages.Select(m => m.Body));
        var replyToPast = await Assert.ThrowsAsync<Roost.Client.RoostApiException>(() => dave.SendMessageAsync(group.Id, "re", replyTo: 1)).DefaultTimeout();
        Assert.Equal("validation_failed", replyToPast.Code);
    }

    [Fact]
    public async Task Non_members_are_refused_everywhere()
    {
        var (owner, _, _) = await Instance.RegisterAndLoginAsync();
        var (mallory, _, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _m = mallory;
        var group = await owner.CreateGroupAsync("Private", []).DefaultTimeout();
        await owner.SendMessageAsync(group.Id, "members only").DefaultTimeout();
        await using var malloryLive = await mallory.ConnectLiveAsync();

        var failure = await mallory.GetMessagesAsync(group.Id).ShouldFailAsync("not_a_member");
        await mallory.GetConversationAsync(group.Id).ShouldFailAsync("not_a_member");
        await mallory.SendMessageAsync(group.Id, "hi").ShouldFailAsync("not_a_member");
        await mallory.AddMembersAsync(group.Id, ["someone"]).ShouldFailAsync("validation_failed");
        var wsFailure = await Assert.ThrowsAsync<Roost.Client.Realtime.RoostRealtimeException>(() => malloryLive.SendMessageAsync(group.Id, "hi")).DefaultTimeout();
        await Assert.ThrowsAsync<Roost.Client.Realtime.RoostRealtimeException>(() => malloryLive.TypingAsync(group.Id)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, failure.Status);
        Assert.Equal("not_a_member", wsFailure.Code);
        Assert.DoesNotContain(await malloryLive.DrainAsync(), f => f.Event is not null);
    }

    [Fact]
    public async Task Roles_decide_who_may_rename_add_remove_and_the_owner_transfers_before_leaving()
    {
        var (owner, _, ownerLogin) = await Instance.RegisterAndLoginAsync();
        var (admin, adminName, adminLogin) = await Instance.RegisterAndLoginAsync();
        var (member, memberName, memberLogin) = await Instance.RegisterAndLoginAsync();
        var (_, extraName, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _a = admin;
        using var _m = member;
        var group = await owner.CreateGroupAsync("Ranks", [adminName, memberName]).DefaultTimeout();

        await member.RenameConversationAsync(group.Id, "Mine now").ShouldFailAsync("insufficient_role");
        await member.AddMembersAsync(group.Id, [extraName]).ShouldFailAsync("insufficient_role");
        await owner.SetRoleAsync(group.Id, adminLogin.AccountId, "admin").DefaultTimeout();
        var renamed = await admin.RenameConversationAsync(group.Id, "Renamed by admin").DefaultTimeout();
        await admin.AddMembersAsync(group.Id, [extraName]).DefaultTimeout();
        await admin.RemoveMemberAsync(group.Id, ownerLogin.AccountId).ShouldFailAsync("insufficient_role");
        await member.SetRoleAsync(group.Id, memberLogin.AccountId, "admin").ShouldFailAsync("insufficient_role");
        await owner.LeaveConversationAsync(group.Id).ShouldFailAsync("owner_must_transfer");

        var transferred = await owner.SetRoleAsync(group.Id, memberLogin.AccountId, "owner").DefaultTimeout();
        await owner.LeaveConversationAsync(group.Id).DefaultTimeout();

        Assert.Equal("Renamed by admin", renamed.Title);
        Assert.Equal("admin", transferred.Members.Single(m => m.AccountId == ownerLogin.AccountId).Role);
        var after = await member.GetConversationAsync(group.Id).DefaultTimeout();
        Assert.Equal("owner", after.Members.Single(m => m.AccountId == memberLogin.AccountId).Role);
        Assert.DoesNotContain(ownerLogin.AccountId, after.Members.Select(m => m.AccountId));
    }

    [Fact]
    public async Task Membership_changes_reach_members_as_events()
    {
        var (owner, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        var (_, carolName, carolLogin) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _b = bob;
        var group = await owner.CreateGroupAsync("Events", [bobName]).DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        await owner.AddMembersAsync(group.Id, [carolName]).DefaultTimeout();
        await owner.RenameConversationAsync(group.Id, "Events 2").DefaultTimeout();
        await owner.SetRoleAsync(group.Id, carolLogin.AccountId, "admin").DefaultTimeout();

        var added = await bobLive.NextEventAsync<MemberAddedEvent>();
        var renamed = await bobLive.NextEventAsync<ConversationRenamedEvent>();
        var role = await bobLive.NextEventAsync<MemberRoleChangedEvent>();
        Assert.Equal((carolLogin.AccountId, carolName), (added.Member.AccountId, added.Member.Username));
        Assert.Equal("Events 2", renamed.Title);
        Assert.Equal((carolLogin.AccountId, "admin"), (role.AccountId, role.Role));
    }

    [Fact]
    public async Task A_deleted_account_leaves_its_conversations_and_its_groups_get_a_new_owner()
    {
        var (owner, _, ownerLogin) = await Instance.RegisterAndLoginAsync();
        var (admin, adminName, adminLogin) = await Instance.RegisterAndLoginAsync();
        var (member, memberName, _) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _a = admin;
        using var _m = member;
        var group = await owner.CreateGroupAsync("Inherited", [memberName, adminName]).DefaultTimeout();
        await owner.SetRoleAsync(group.Id, adminLogin.AccountId, "admin").DefaultTimeout();
        await using var memberLive = await member.ConnectLiveAsync();

        await owner.DeleteAccountAsync(UserHelpers.Password).DefaultTimeout();

        var removed = await memberLive.NextEventAsync<MemberRemovedEvent>();
        var promoted = await memberLive.NextEventAsync<MemberRoleChangedEvent>();
        Assert.Equal((ownerLogin.AccountId, "deleted"), (removed.AccountId, removed.Reason));
        Assert.Equal((adminLogin.AccountId, "owner"), (promoted.AccountId, promoted.Role));
        var after = await member.GetConversationAsync(group.Id).DefaultTimeout();
        Assert.DoesNotContain(ownerLogin.AccountId, after.Members.Select(m => m.AccountId));
        await admin.RenameConversationAsync(group.Id, "Still managed").DefaultTimeout();
    }

    [Fact]
    public async Task A_group_cannot_grow_past_its_size_limit()
    {
        await using var small = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Messaging:MaxGroupMembers"] = "3" });
        var (owner, _, _) = await small.RegisterAndLoginAsync();
        using var _o = owner;
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (client, name, _) = await small.RegisterAndLoginAsync();
            client.Dispose();
            names.Add(name);
        }

        var group = await owner.CreateGroupAsync("Small", names.Take(2).ToList()).DefaultTimeout();

        await owner.AddMembersAsync(group.Id, [names[2]]).ShouldFailAsync("group_full");
        await owner.CreateGroupAsync("Too big", names).ShouldFailAsync("validation_failed");
    }
}
