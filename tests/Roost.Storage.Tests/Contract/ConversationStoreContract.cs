using Roost.Core.Conversations;
using Roost.Core.Errors;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's conversation store must do: direct pairs, groups, roles, membership windows and listing.</summary>
public abstract class ConversationStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task A_direct_conversation_asked_for_again_or_from_the_other_side_is_the_same_one()
    {
        var (alice, bob) = await PairAsync();

        var first = (await Store.Conversations.GetOrCreateDirectAsync(alice, bob, Time.GetUtcNow(), None).DefaultTimeout()).Succeeded();
        var again = (await Store.Conversations.GetOrCreateDirectAsync(alice, bob, Time.GetUtcNow(), None).DefaultTimeout()).Succeeded();
        var reversed = (await Store.Conversations.GetOrCreateDirectAsync(bob, alice, Time.GetUtcNow(), None).DefaultTimeout()).Succeeded();

        Assert.Equal(first.Conversation.Id, again.Conversation.Id);
        Assert.Equal(first.Conversation.Id, reversed.Conversation.Id);
        Assert.Equal(ConversationKinds.Direct, first.Conversation.Kind);
        Assert.Null(first.Conversation.Title);
        Assert.Equal([alice, bob], first.Members.Select(m => m.AccountId).Order());
        Assert.Equal((alice, bob), (first.Me.AccountId, reversed.Me.AccountId));
    }

    [Fact]
    public async Task Twenty_concurrent_requests_for_one_pair_from_both_sides_create_exactly_one_direct_conversation()
    {
        var (alice, bob) = await PairAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? Store.Conversations.GetOrCreateDirectAsync(alice, bob, Now, None)
            : Store.Conversations.GetOrCreateDirectAsync(bob, alice, Now, None))).DefaultTimeout();

        Assert.Single(answers.Select(a => a.Succeeded().Conversation.Id).Distinct());
        Assert.Single((await Store.Conversations.ListAsync(alice, 0, 100, None).DefaultTimeout()).Conversations);
        Assert.Single((await Store.Conversations.ListAsync(bob, 0, 100, None).DefaultTimeout()).Conversations);
        Assert.Single(await Store.EventsAsync<Roost.Protocol.Events.ConversationCreatedEvent>(alice));
    }

    [Fact]
    public async Task Concurrent_additions_never_take_a_group_past_its_limit()
    {
        var ids = await Store.AccountIdsAsync(Now, [.. Enumerable.Range(0, 12).Select(i => $"user{i}")]);
        var group = (await Store.Conversations.CreateGroupAsync(ids[0], "Room", [], 5, Now, None).DefaultTimeout()).Succeeded().Conversation.Id;

        var adds = await Task.WhenAll(ids[1..].Select(id => Store.Conversations.AddMembersAsync(group, ids[0], [id], 5, Now, None))).DefaultTimeout();

        Assert.Equal(4, adds.Count(a => a.IsSuccess));
        Assert.All(adds.Where(a => !a.IsSuccess), a => Assert.Equal(ConversationErrorCodes.GroupFull, a.Code()));
        Assert.Equal(5, (await Store.ViewAsync(group, ids[0])).Members.Count);
    }

    [Fact]
    public async Task Of_concurrent_removals_of_one_member_exactly_one_succeeds()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        await Store.SetRoleAsync(group, ids[0], ids[1], MemberRoles.Admin, Now);

        var removals = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Store.Conversations.RemoveMemberAsync(group, ids[i % 3], ids[2], Now, None))).DefaultTimeout();

        Assert.Single(removals, r => r.IsSuccess);
        Assert.Single(await Store.EventsAsync<Roost.Protocol.Events.MemberRemovedEvent>(ids[0]));
        Assert.Equal([ids[0], ids[1]], await CurrentMembersAsync(group, ids[0]));
    }

    [Fact]
    public async Task A_group_has_its_creator_as_owner_and_everyone_else_as_plain_members()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");

        var view = (await Store.Conversations.CreateGroupAsync(ids[0], "Room", [ids[1], ids[2]], 10, Now, None).DefaultTimeout()).Succeeded();

        Assert.Equal((ConversationKinds.Group, "Room", ids[0], Now, 0L), (view.Conversation.Kind, view.Conversation.Title, view.Conversation.CreatedBy, view.Conversation.CreatedAt, view.Conversation.LastSeq));
        Assert.Equal(MemberRoles.Owner, view.Me.Role);
        Assert.Equal(ids.Order(), view.Members.Select(m => m.AccountId).Order());
        Assert.All(view.Members.Where(m => m.AccountId != ids[0]), m => Assert.Equal(MemberRoles.Member, m.Role));
        Assert.All(view.Members, m => Assert.True(m.IsCurrent));
    }

    [Fact]
    public async Task A_group_created_with_more_members_than_the_limit_is_refused_with_group_full_and_not_stored()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");

        var tooMany = await Store.Conversations.CreateGroupAsync(ids[0], "Big", [ids[1], ids[2], ids[3]], 3, Now, None).DefaultTimeout();
        var atLimit = await Store.Conversations.CreateGroupAsync(ids[0], "Fits", [ids[1], ids[2]], 3, Now, None).DefaultTimeout();

        Assert.Equal(ConversationErrorCodes.GroupFull, tooMany.Code());
        Assert.Equal(3, atLimit.Succeeded().Members.Count);
        var listed = (await Store.Conversations.ListAsync(ids[0], 0, 100, None).DefaultTimeout()).Conversations;
        Assert.Equal(["Fits"], listed.Select(c => c.Conversation.Title));
        Assert.Empty((await Store.Conversations.ListAsync(ids[3], 0, 100, None).DefaultTimeout()).Conversations);
    }

    [Fact]
    public async Task Adding_members_past_the_limit_is_refused_with_group_full_and_adds_nobody()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = (await Store.Conversations.CreateGroupAsync(ids[0], "Room", [ids[1]], 3, Now, None).DefaultTimeout()).Succeeded().Conversation.Id;

        var tooMany = await Store.Conversations.AddMembersAsync(group, ids[0], [ids[2], ids[3]], 3, Now, None).DefaultTimeout();
        Assert.Equal(ConversationErrorCodes.GroupFull, tooMany.Code());
        Assert.Equal(2, (await Store.ViewAsync(group, ids[0])).Members.Count);

        var fits = await Store.Conversations.AddMembersAsync(group, ids[0], [ids[2]], 3, Now, None).DefaultTimeout();
        Assert.Equal(3, fits.Succeeded().Members.Count);
        var full = await Store.Conversations.AddMembersAsync(group, ids[0], [ids[3]], 3, Now, None).DefaultTimeout();
        Assert.Equal(ConversationErrorCodes.GroupFull, full.Code());
        Assert.Null(await Store.Conversations.GetAsync(group, ids[3], None).DefaultTimeout());
    }

    [Fact]
    public async Task Only_the_owner_and_admins_may_add_members_and_rename_the_group()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (owner, admin, member, outsider) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(owner, [admin, member], Now);
        await Store.SetRoleAsync(group, owner, admin, MemberRoles.Admin, Now);

        var memberAdds = await Store.Conversations.AddMembersAsync(group, member, [outsider], StoreFixtures.MaxMembers, Now, None).DefaultTimeout();
        var memberRenames = await Store.Conversations.RenameAsync(group, member, "Mine", Now, None).DefaultTimeout();
        Assert.Equal(ConversationErrorCodes.InsufficientRole, memberAdds.Code());
        Assert.Equal(ConversationErrorCodes.InsufficientRole, memberRenames.Code());
        Assert.Equal("Room", (await Store.ViewAsync(group, owner)).Conversation.Title);

        var adminRenames = await Store.Conversations.RenameAsync(group, admin, "Admins'", Now, None).DefaultTimeout();
        var adminAdds = await Store.Conversations.AddMembersAsync(group, admin, [outsider], StoreFixtures.MaxMembers, Now, None).DefaultTimeout();
        var ownerRenames = await Store.Conversations.RenameAsync(group, owner, "Owner's", Now, None).DefaultTimeout();

        Assert.Equal("Admins'", adminRenames.Succeeded().Conversation.Title);
        Assert.Contains(outsider, adminAdds.Succeeded().Members.Select(m => m.AccountId));
        Assert.Equal("Owner's", ownerRenames.Succeeded().Conversation.Title);
        Assert.Equal("Owner's", (await Store.ViewAsync(group, outsider)).Conversation.Title);
    }

    [Fact]
    public async Task The_owner_removes_anyone_an_admin_only_plain_members_and_a_member_nobody()
    {
        var ids = await Store.AccountIdsAsync(Now, "owner", "admin", "admin2", "member", "member2");
        var (owner, admin, admin2, member, member2) = (ids[0], ids[1], ids[2], ids[3], ids[4]);
        var group = await Store.GroupAsync(owner, [admin, admin2, member, member2], Now);
        await Store.SetRoleAsync(group, owner, admin, MemberRoles.Admin, Now);
        await Store.SetRoleAsync(group, owner, admin2, MemberRoles.Admin, Now);

        Assert.Equal(ConversationErrorCodes.InsufficientRole, (await RemoveAsync(group, member, member2)).Code());
        Assert.Equal(ConversationErrorCodes.InsufficientRole, (await RemoveAsync(group, admin, admin2)).Code());
        Assert.Equal(ConversationErrorCodes.InsufficientRole, (await RemoveAsync(group, admin, owner)).Code());
        Assert.True((await RemoveAsync(group, admin, member2)).IsSuccess);
        Assert.True((await RemoveAsync(group, owner, admin2)).IsSuccess);

        Assert.Equal([owner, admin, member], await CurrentMembersAsync(group, owner));
    }

    [Fact]
    public async Task The_owner_may_not_leave_while_others_remain_but_anyone_else_may_leave()
    {
        var (alice, bob) = await PairAsync();
        var group = await Store.GroupAsync(alice, [bob], Now);

        Assert.Equal(ConversationErrorCodes.OwnerMustTransfer, (await RemoveAsync(group, alice, alice)).Code());
        Assert.True((await RemoveAsync(group, bob, bob)).IsSuccess);
        Assert.True((await RemoveAsync(group, alice, alice)).IsSuccess);

        Assert.Null(await Store.Conversations.GetMemberIdsIfMemberAsync(group, alice, None).DefaultTimeout());
    }

    [Fact]
    public async Task Only_the_owner_changes_roles_and_not_its_own()
    {
        var ids = await Store.AccountIdsAsync(Now, "owner", "admin", "member");
        var (owner, admin, member) = (ids[0], ids[1], ids[2]);
        var group = await Store.GroupAsync(owner, [admin, member], Now);
        await Store.SetRoleAsync(group, owner, admin, MemberRoles.Admin, Now);

        var byAdmin = await Store.Conversations.SetRoleAsync(group, admin, member, MemberRoles.Admin, Now, None).DefaultTimeout();
        var byMember = await Store.Conversations.SetRoleAsync(group, member, member, MemberRoles.Admin, Now, None).DefaultTimeout();
        var ownSelf = await Store.Conversations.SetRoleAsync(group, owner, owner, MemberRoles.Member, Now, None).DefaultTimeout();

        Assert.Equal(ConversationErrorCodes.InsufficientRole, byAdmin.Code());
        Assert.Equal(ConversationErrorCodes.InsufficientRole, byMember.Code());
        Assert.Equal(ErrorCodes.ValidationFailed, ownSelf.Code());
        Assert.Equal([MemberRoles.Owner, MemberRoles.Admin, MemberRoles.Member], await RolesAsync(group, owner, owner, admin, member));

        var demoted = await Store.Conversations.SetRoleAsync(group, owner, admin, MemberRoles.Member, Now, None).DefaultTimeout();
        Assert.Equal(MemberRoles.Member, demoted.Succeeded().Members.Single(m => m.AccountId == admin).Role);
    }

    [Fact]
    public async Task Transferring_ownership_makes_the_old_owner_an_admin_and_leaves_one_owner()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);

        var view = (await Store.Conversations.SetRoleAsync(group, ids[0], ids[1], MemberRoles.Owner, Now, None).DefaultTimeout()).Succeeded();

        Assert.Equal(MemberRoles.Admin, view.Me.Role);
        Assert.Equal([MemberRoles.Admin, MemberRoles.Owner, MemberRoles.Member], await RolesAsync(group, ids[2], ids[0], ids[1], ids[2]));
        var formerOwner = await Store.Conversations.SetRoleAsync(group, ids[0], ids[2], MemberRoles.Admin, Now, None).DefaultTimeout();
        Assert.Equal(ConversationErrorCodes.InsufficientRole, formerOwner.Code());
        Assert.True((await RemoveAsync(group, ids[0], ids[0])).IsSuccess);
    }

    [Fact]
    public async Task Changes_by_an_account_that_is_not_or_no_longer_a_member_are_refused_with_not_a_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var (alice, bob, outsider) = (ids[0], ids[1], ids[2]);
        var group = await Store.GroupAsync(alice, [bob], Now);
        await Store.SetRoleAsync(group, alice, bob, MemberRoles.Admin, Now);
        await Store.RemoveAsync(group, bob, bob, Now);

        foreach (var actor in new[] { outsider, bob })
        {
            Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Conversations.AddMembersAsync(group, actor, [outsider], StoreFixtures.MaxMembers, Now, None).DefaultTimeout()).Code());
            Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Conversations.RenameAsync(group, actor, "Taken", Now, None).DefaultTimeout()).Code());
            Assert.Equal(ConversationErrorCodes.NotAMember, (await RemoveAsync(group, actor, alice)).Code());
            Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Conversations.SetRoleAsync(group, actor, alice, MemberRoles.Member, Now, None).DefaultTimeout()).Code());
        }

        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Conversations.RenameAsync(StoreFixtures.NoSuchId, alice, "Nowhere", Now, None).DefaultTimeout()).Code());
        var view = await Store.ViewAsync(group, alice);
        Assert.Equal(("Room", MemberRoles.Owner), (view.Conversation.Title, view.Me.Role));
        Assert.Equal([alice], view.Members.Select(m => m.AccountId));
    }

    [Fact]
    public async Task Group_changes_to_a_direct_conversation_are_refused_with_not_a_group()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var direct = await Store.DirectAsync(ids[0], ids[1], Now);

        Assert.Equal(ConversationErrorCodes.NotAGroup, (await Store.Conversations.AddMembersAsync(direct, ids[0], [ids[2]], StoreFixtures.MaxMembers, Now, None).DefaultTimeout()).Code());
        Assert.Equal(ConversationErrorCodes.NotAGroup, (await Store.Conversations.RenameAsync(direct, ids[0], "Us", Now, None).DefaultTimeout()).Code());
        Assert.Equal(ConversationErrorCodes.NotAGroup, (await RemoveAsync(direct, ids[0], ids[1])).Code());
        Assert.Equal(ConversationErrorCodes.NotAGroup, (await RemoveAsync(direct, ids[0], ids[0])).Code());
        Assert.Equal(ConversationErrorCodes.NotAGroup, (await Store.Conversations.SetRoleAsync(direct, ids[0], ids[1], MemberRoles.Owner, Now, None).DefaultTimeout()).Code());

        Assert.Equal([ids[0], ids[1]], await CurrentMembersAsync(direct, ids[0]));
    }

    [Fact]
    public async Task Removing_or_changing_the_role_of_an_account_that_is_not_a_member_fails_and_changes_nothing()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);

        Assert.False((await RemoveAsync(group, ids[0], ids[2])).IsSuccess);
        Assert.False((await Store.Conversations.SetRoleAsync(group, ids[0], ids[2], MemberRoles.Admin, Now, None).DefaultTimeout()).IsSuccess);

        Assert.Equal([ids[0], ids[1]], await CurrentMembersAsync(group, ids[0]));
        Assert.Null(await Store.Conversations.GetAsync(group, ids[2], None).DefaultTimeout());
    }

    [Fact]
    public async Task A_member_who_leaves_and_rejoins_sees_history_only_from_rejoining()
    {
        var (alice, bob) = await PairAsync();
        var group = await Store.GroupAsync(alice, [bob], Now);
        await Store.SendAsync(group, alice, Now, "before leaving");
        await Store.RemoveAsync(group, bob, bob, Now);
        await Store.SendAsync(group, alice, Now, "while away");

        await Store.AddAsync(group, alice, bob, Now);
        var afterRejoining = await Store.SendAsync(group, alice, Now, "after rejoining");

        var me = (await Store.ViewAsync(group, bob)).Me;
        Assert.True(me.IsCurrent);
        Assert.Equal(MemberRoles.Member, me.Role);
        Assert.Equal(afterRejoining - 1, me.JoinedSeq);
        Assert.Equal(["after rejoining"], (await Store.HistoryAsync(group, bob)).Select(m => m.Body));
    }

    [Fact]
    public async Task A_former_member_sees_the_conversation_read_only_up_to_leaving_and_a_stranger_not_at_all()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        var seen = await Store.SendAsync(group, ids[0], Now, "seen");
        await Store.RemoveAsync(group, ids[0], ids[1], Now);
        await Store.SendAsync(group, ids[0], Now, "not seen");

        var former = await Store.ViewAsync(group, ids[1]);

        Assert.False(former.Me.IsCurrent);
        Assert.Equal(seen, former.Me.LeftSeq);
        Assert.Empty(former.Members);
        Assert.Equal("seen", former.LastMessage?.Body);
        Assert.Null(await Store.Conversations.GetAsync(group, ids[2], None).DefaultTimeout());
        Assert.Null(await Store.Conversations.GetAsync(StoreFixtures.NoSuchId, ids[0], None).DefaultTimeout());
    }

    [Fact]
    public async Task Conversations_are_listed_by_id_in_pages_with_the_head_cursor_and_without_those_left()
    {
        var (alice, bob) = await PairAsync();
        var created = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            created.Add(await Store.GroupAsync(alice, [bob], Now, $"Group {i}"));
        }

        await Store.RemoveAsync(created[2], bob, bob, Now);
        var expected = created.Where(id => id != created[2]).Order().ToList();
        var head = await Store.Events.GetHeadCursorAsync(None).DefaultTimeout();

        var pages = new List<ConversationPage>();
        var after = 0L;
        do
        {
            var page = await Store.Conversations.ListAsync(bob, after, 2, None).DefaultTimeout();
            pages.Add(page);
            after = page.NextAfter ?? -1;
        }
        while (after != -1 && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Conversations.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Conversations).Select(c => c.Conversation.Id));
        Assert.Equal(pages.Take(2).Select(p => p.Conversations[^1].Conversation.Id), pages.Take(2).Select(p => p.NextAfter!.Value));
        Assert.Null(pages[^1].NextAfter);
        Assert.All(pages, p => Assert.Equal(head, p.Cursor));
        Assert.All(pages.SelectMany(p => p.Conversations), c => Assert.Equal(bob, c.Me.AccountId));
    }

    [Fact]
    public async Task The_head_cursor_of_a_listing_covers_every_event_the_account_has()
    {
        var (alice, bob) = await PairAsync();
        var group = await Store.GroupAsync(alice, [bob], Now);
        await Store.SendAsync(group, bob, Now);

        var page = await Store.Conversations.ListAsync(alice, 0, 10, None).DefaultTimeout();

        Assert.All(await Store.EventsAsync(alice), e => Assert.True(e.Cursor <= page.Cursor));
        Assert.Empty(await Store.EventsAsync(alice, page.Cursor));
    }

    [Fact]
    public async Task Contacts_are_the_current_members_of_the_accounts_current_conversations()
    {
        var (alice, bob, carol, dave, _, _) = await ArrangeContactsAsync();

        var contacts = await Store.Conversations.GetContactsAsync(alice, None).DefaultTimeout();

        Assert.Equal([bob, carol], contacts.Order());
        Assert.Empty(await Store.Conversations.GetContactsAsync(dave, None).DefaultTimeout());
    }

    [Fact]
    public async Task Contacts_among_candidates_are_those_sharing_a_current_conversation_in_the_order_given()
    {
        var (alice, bob, carol, dave, erin, frank) = await ArrangeContactsAsync();

        var among = await Store.Conversations.GetContactsAmongAsync(alice, [frank, carol, alice, dave, erin, StoreFixtures.NoSuchId, bob], None).DefaultTimeout();

        Assert.Equal([carol, bob], among);
        Assert.Empty(await Store.Conversations.GetContactsAmongAsync(dave, [alice, carol], None).DefaultTimeout());
        Assert.Empty(await Store.Conversations.GetContactsAmongAsync(alice, [], None).DefaultTimeout());
    }

    [Fact]
    public async Task Member_ids_are_answered_only_to_a_current_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        await Store.RemoveAsync(group, ids[2], ids[2], Now);

        var members = await Store.Conversations.GetMemberIdsIfMemberAsync(group, ids[1], None).DefaultTimeout();

        Assert.Equal([ids[0], ids[1]], members!.Order());
        Assert.Null(await Store.Conversations.GetMemberIdsIfMemberAsync(group, ids[2], None).DefaultTimeout());
        Assert.Null(await Store.Conversations.GetMemberIdsIfMemberAsync(group, ids[3], None).DefaultTimeout());
        Assert.Null(await Store.Conversations.GetMemberIdsIfMemberAsync(StoreFixtures.NoSuchId, ids[0], None).DefaultTimeout());
    }

    [Fact]
    public async Task Conversations_and_memberships_survive_reopening_the_store()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        await Store.SetRoleAsync(group, ids[0], ids[1], MemberRoles.Admin, Now);
        await Store.RemoveAsync(group, ids[2], ids[2], Now);
        var direct = await Store.DirectAsync(ids[0], ids[1], Now);
        var before = await Store.ViewAsync(group, ids[0]);

        await ReopenAsync();

        Assert.Equal(before.Members, (await Store.ViewAsync(group, ids[0])).Members);
        Assert.Equal(before.Conversation, (await Store.ViewAsync(group, ids[0])).Conversation);
        Assert.Equal(direct, await Store.DirectAsync(ids[1], ids[0], Now));
        Assert.False((await Store.ViewAsync(group, ids[2])).Me.IsCurrent);
    }

    private async Task<(long Alice, long Bob)> PairAsync()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        return (ids[0], ids[1]);
    }

    private Task<Outcome<Done>> RemoveAsync(long conversationId, long actorId, long accountId) =>
        Store.Conversations.RemoveMemberAsync(conversationId, actorId, accountId, Time.GetUtcNow(), None).DefaultTimeout();

    private async Task<long[]> CurrentMembersAsync(long conversationId, long asAccountId) =>
        [.. (await Store.ViewAsync(conversationId, asAccountId)).Members.Select(m => m.AccountId).Order()];

    private async Task<string[]> RolesAsync(long conversationId, long asAccountId, params long[] accountIds)
    {
        var members = (await Store.ViewAsync(conversationId, asAccountId)).Members;
        return [.. accountIds.Select(id => members.Single(m => m.AccountId == id).Role)];
    }

    /// <summary>
    /// Alice shares a direct chat with Bob and a group with Carol; Dave left that group, Alice left Erin's, and Frank
    /// talks only to Bob. So Alice's contacts are Bob and Carol, and Dave has none.
    /// </summary>
    private async Task<(long Alice, long Bob, long Carol, long Dave, long Erin, long Frank)> ArrangeContactsAsync()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave", "erin", "frank");
        var (alice, bob, carol, dave, erin, frank) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);
        await Store.DirectAsync(alice, bob, Now);
        var group = await Store.GroupAsync(carol, [alice, dave], Now);
        var left = await Store.GroupAsync(erin, [alice], Now);
        await Store.RemoveAsync(group, dave, dave, Now);
        await Store.RemoveAsync(left, alice, alice, Now);
        await Store.DirectAsync(bob, frank, Now);
        return (alice, bob, carol, dave, erin, frank);
    }
}
