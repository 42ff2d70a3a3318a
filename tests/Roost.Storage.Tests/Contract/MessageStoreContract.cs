using Roost.Core.Conversations;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's message store must do: sequence numbers, exactly-once sends, edits, deletes, reactions, marks and history.</summary>
public abstract class MessageStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task Messages_get_gap_free_increasing_seqs_from_1_in_each_conversation()
    {
        var (alice, bob, group) = await GroupAsync();
        var direct = await Store.DirectAsync(alice, bob, Now);

        var inGroup = new[] { await Store.SendAsync(group, alice, Now), await Store.SendAsync(group, bob, Now), await Store.SendAsync(group, alice, Now) };
        var inDirect = new[] { await Store.SendAsync(direct, bob, Now), await Store.SendAsync(direct, bob, Now) };

        Assert.Equal([1L, 2L, 3L], inGroup);
        Assert.Equal([1L, 2L], inDirect);
        Assert.Equal(3, (await Store.ViewAsync(group, alice)).Conversation.LastSeq);
    }

    [Fact]
    public async Task Two_hundred_concurrent_sends_from_several_senders_get_exactly_the_seqs_1_to_200()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], ids[1..], Now);

        var acks = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Store.Messages.AppendAsync(new NewMessage(group, ids[i % 4], $"m{i}", $"message {i}", null, Now), None))).DefaultTimeout();

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), acks.Select(a => a.Succeeded().Seq).Order());
        Assert.All(acks, a => Assert.False(a.Value.Duplicate));
        var history = await Store.HistoryAsync(group, ids[0]);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), history.Select(m => m.Seq));
        var bySeq = acks.ToDictionary(a => a.Value.Seq, a => a.Value.ClientId);
        Assert.All(history, m => Assert.Equal(bySeq[m.Seq], m.ClientId));
        Assert.All(history, m => Assert.Equal($"message {m.ClientId[1..]}", m.Body));
    }

    [Fact]
    public async Task A_repeated_send_answers_with_the_first_ack_marked_duplicate_and_stores_nothing_new()
    {
        var (alice, bob, group) = await GroupAsync();
        var first = (await Store.TrySendAsync(group, alice, Now, "hi", "c-1")).Succeeded();
        var eventsBefore = await Store.EventsAsync(bob);
        Time.Advance(TimeSpan.FromMinutes(5));

        var repeat = (await Store.TrySendAsync(group, alice, Time.GetUtcNow(), "hi", "c-1")).Succeeded();

        Assert.False(first.Duplicate);
        Assert.Equal(first with { Duplicate = true }, repeat);
        Assert.Equal(Now, repeat.SentAt);
        Assert.Single(await Store.HistoryAsync(group, bob));
        Assert.Equal(eventsBefore.Select(e => e.Cursor), (await Store.EventsAsync(bob)).Select(e => e.Cursor));
    }

    [Fact]
    public async Task Twenty_concurrent_sends_of_one_client_id_store_one_message()
    {
        var (alice, bob, group) = await GroupAsync();

        var acks = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Store.Messages.AppendAsync(new NewMessage(group, alice, "once", "only once", null, Now), None))).DefaultTimeout();

        Assert.Single(acks, a => !a.Succeeded().Duplicate);
        Assert.Single(acks.Select(a => a.Value.Seq).Distinct());
        Assert.Single(await Store.HistoryAsync(group, bob));
    }

    [Fact]
    public async Task A_client_id_naming_another_message_is_refused_and_one_used_by_another_sender_is_not()
    {
        var (alice, bob, group) = await GroupAsync();
        var original = await Store.SendAsync(group, alice, Now, "original");
        var other = await Store.DirectAsync(alice, bob, Now);
        await Store.TrySendAsync(group, alice, Now, "first", "c-1");

        var otherBody = await Store.TrySendAsync(group, alice, Now, "second", "c-1");
        var otherReply = await Store.TrySendAsync(group, alice, Now, "first", "c-1", replyTo: original);
        var otherConversation = await Store.TrySendAsync(other, alice, Now, "first", "c-1");
        var otherSender = await Store.TrySendAsync(group, bob, Now, "first", "c-1");

        Assert.Equal(MessagingErrorCodes.ClientIdConflict, otherBody.Code());
        Assert.Equal(MessagingErrorCodes.ClientIdConflict, otherReply.Code());
        Assert.Equal(MessagingErrorCodes.ClientIdReused, otherConversation.Code());
        Assert.False(otherSender.Succeeded().Duplicate);
        Assert.Equal(["original", "first", "first"], (await Store.HistoryAsync(group, bob)).Select(m => m.Body));
        Assert.Empty(await Store.HistoryAsync(other, bob));
    }

    [Fact]
    public async Task A_repeat_of_a_send_that_was_edited_or_deleted_since_is_taken_as_a_retry()
    {
        var (alice, _, group) = await GroupAsync();
        var edited = (await Store.TrySendAsync(group, alice, Now, "typo", "c-edit")).Succeeded();
        var deleted = (await Store.TrySendAsync(group, alice, Now, "oops", "c-delete")).Succeeded();
        (await Store.Messages.EditAsync(group, edited.Seq, alice, "fixed", Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.DeleteAsync(group, deleted.Seq, alice, Now, None).DefaultTimeout()).Succeeded();

        var editedAgain = await Store.TrySendAsync(group, alice, Now, "typo", "c-edit");
        var deletedAgain = await Store.TrySendAsync(group, alice, Now, "oops", "c-delete");

        Assert.Equal(edited with { Duplicate = true }, editedAgain.Succeeded());
        Assert.Equal(deleted with { Duplicate = true }, deletedAgain.Succeeded());
        Assert.Equal(2, (await Store.HistoryAsync(group, alice)).Count);
    }

    [Fact]
    public async Task Sends_by_a_stranger_a_former_member_or_to_no_conversation_are_refused_with_not_a_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        await Store.RemoveAsync(group, ids[1], ids[1], Now);

        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.TrySendAsync(group, ids[2], Now)).Code());
        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.TrySendAsync(group, ids[1], Now)).Code());
        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.TrySendAsync(StoreFixtures.NoSuchId, ids[0], Now)).Code());

        Assert.Empty(await Store.HistoryAsync(group, ids[0]));
        Assert.Equal(0, (await Store.ViewAsync(group, ids[0])).Conversation.LastSeq);
    }

    [Fact]
    public async Task A_reply_must_name_a_message_of_the_conversation_the_sender_can_see()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        var other = await Store.GroupAsync(ids[0], [], Now);
        var beforeCarol = await Store.SendAsync(group, ids[0], Now, "before carol");
        await Store.AddAsync(group, ids[0], ids[2], Now);
        var afterCarol = await Store.SendAsync(group, ids[0], Now, "after carol");
        await Store.SendAsync(other, ids[0], Now);
        await Store.SendAsync(other, ids[0], Now);
        await Store.SendAsync(other, ids[0], Now);

        var elsewhere = await Store.TrySendAsync(group, ids[1], Now, "re", replyTo: 3);
        var missing = await Store.TrySendAsync(group, ids[1], Now, "re", replyTo: 1_000);
        var hidden = await Store.TrySendAsync(group, ids[2], Now, "re", replyTo: beforeCarol);
        var reply = await Store.TrySendAsync(group, ids[2], Now, "re", replyTo: afterCarol);

        var sent = reply.Succeeded();
        Assert.Equal(afterCarol, (await Store.HistoryAsync(group, ids[1])).Single(m => m.Seq == sent.Seq).ReplyTo);
        Assert.Equal(ErrorCodes.ValidationFailed, hidden.Code());
        Assert.Equal(ErrorCodes.ValidationFailed, missing.Code());
        Assert.Equal(ErrorCodes.ValidationFailed, elsewhere.Code());
        Assert.Equal(3, (await Store.HistoryAsync(group, ids[0])).Count);
    }

    [Fact]
    public async Task Only_the_sender_edits_a_message_and_members_see_the_new_body()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await Store.SendAsync(group, alice, Now, "draft");
        Time.Advance(TimeSpan.FromMinutes(1));

        var byOther = await Store.Messages.EditAsync(group, seq, bob, "hijacked", Time.GetUtcNow(), None).DefaultTimeout();
        var bySender = await Store.Messages.EditAsync(group, seq, alice, "final", Time.GetUtcNow(), None).DefaultTimeout();
        var missing = await Store.Messages.EditAsync(group, seq + 1, alice, "nothing", Time.GetUtcNow(), None).DefaultTimeout();

        Assert.Equal(MessagingErrorCodes.NotSender, byOther.Code());
        Assert.True(bySender.IsSuccess);
        Assert.Equal(ErrorCodes.NotFound, missing.Code());
        var message = Assert.Single(await Store.HistoryAsync(group, bob));
        Assert.Equal(("final", (DateTimeOffset?)Time.GetUtcNow(), Now, alice), (message.Body, message.EditedAt, message.SentAt, message.SenderId));
    }

    [Fact]
    public async Task A_message_is_deleted_by_its_sender_or_a_group_owner_or_admin_and_no_one_else()
    {
        var ids = await Store.AccountIdsAsync(Now, "owner", "admin", "member", "sender");
        var (owner, admin, member, sender) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(owner, [admin, member, sender], Now);
        await Store.SetRoleAsync(group, owner, admin, MemberRoles.Admin, Now);
        var seqs = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            seqs.Add(await Store.SendAsync(group, sender, Now, $"message {i}"));
        }

        var byMember = await DeleteAsync(group, seqs[0], member);
        var bySender = await DeleteAsync(group, seqs[0], sender);
        var byAdmin = await DeleteAsync(group, seqs[1], admin);
        var byOwner = await DeleteAsync(group, seqs[2], owner);

        Assert.Equal(MessagingErrorCodes.NotSender, byMember.Code());
        Assert.All(new[] { bySender, byAdmin, byOwner }, d => Assert.True(d.IsSuccess));
        Assert.Equal([null, null, null, "message 3"], (await Store.HistoryAsync(group, member)).Select(m => m.Body));
    }

    [Fact]
    public async Task In_a_direct_conversation_only_the_sender_deletes_a_message()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        var direct = await Store.DirectAsync(ids[0], ids[1], Now);
        var seq = await Store.SendAsync(direct, ids[0], Now, "mine");

        Assert.Equal(MessagingErrorCodes.NotSender, (await DeleteAsync(direct, seq, ids[1])).Code());
        Assert.Equal("mine", (await Store.HistoryAsync(direct, ids[1])).Single().Body);
    }

    [Fact]
    public async Task A_deleted_message_keeps_its_place_as_a_tombstone_without_body_or_reactions()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await Store.SendAsync(group, alice, Now, "secret");
        var next = await Store.SendAsync(group, alice, Now, "kept");
        (await Store.Messages.ReactAsync(group, seq, bob, "👍", Now, None).DefaultTimeout()).Succeeded();
        Time.Advance(TimeSpan.FromMinutes(1));

        (await DeleteAsync(group, seq, alice)).Succeeded();

        var history = await Store.HistoryAsync(group, bob);
        Assert.Equal([seq, next], history.Select(m => m.Seq));
        var tombstone = history[0];
        Assert.Equal((null, (DateTimeOffset?)Time.GetUtcNow(), alice, Now), (tombstone.Body, tombstone.DeletedAt, tombstone.SenderId, tombstone.SentAt));
        Assert.Empty(tombstone.Reactions);
        Assert.Null(history[1].DeletedAt);
    }

    [Fact]
    public async Task A_deleted_message_can_no_longer_be_edited_deleted_or_reacted_to()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await Store.SendAsync(group, alice, Now, "gone");
        (await DeleteAsync(group, seq, alice)).Succeeded();

        Assert.Equal(MessagingErrorCodes.MessageDeleted, (await Store.Messages.EditAsync(group, seq, alice, "back", Now, None).DefaultTimeout()).Code());
        Assert.Equal(MessagingErrorCodes.MessageDeleted, (await DeleteAsync(group, seq, alice)).Code());
        Assert.Equal(MessagingErrorCodes.MessageDeleted, (await Store.Messages.ReactAsync(group, seq, bob, "👍", Now, None).DefaultTimeout()).Code());
        Assert.Null((await Store.HistoryAsync(group, bob)).Single().Body);
    }

    [Fact]
    public async Task Each_account_has_one_reaction_per_message_that_it_replaces_or_removes()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        var seq = await Store.SendAsync(group, ids[0], Now);

        await ReactAsync(group, seq, ids[1], "👍");
        await ReactAsync(group, seq, ids[2], "🎉");
        await ReactAsync(group, seq, ids[1], "❤️");
        await ReactAsync(group, seq, ids[1], "❤️");
        var both = await ReactionsAsync(group, seq, ids[0]);
        await ReactAsync(group, seq, ids[2], null);
        await ReactAsync(group, seq, ids[0], null);

        Assert.Equal([new Reaction(ids[1], "❤️"), new Reaction(ids[2], "🎉")], both.OrderBy(r => r.AccountId));
        Assert.Equal([new Reaction(ids[1], "❤️")], await ReactionsAsync(group, seq, ids[0]));
    }

    [Fact]
    public async Task Editing_deleting_or_reacting_needs_a_current_member_who_can_see_the_message()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        var early = await Store.SendAsync(group, ids[1], Now);
        await Store.AddAsync(group, ids[0], ids[2], Now);
        await Store.RemoveAsync(group, ids[1], ids[1], Now);

        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Messages.ReactAsync(group, early, ids[3], "👍", Now, None).DefaultTimeout()).Code());
        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Messages.EditAsync(group, early, ids[1], "late", Now, None).DefaultTimeout()).Code());
        Assert.Equal(ConversationErrorCodes.NotAMember, (await DeleteAsync(group, early, ids[1])).Code());
        Assert.Equal(ErrorCodes.NotFound, (await Store.Messages.ReactAsync(group, early, ids[2], "👍", Now, None).DefaultTimeout()).Code());
        Assert.Equal(ErrorCodes.NotFound, (await Store.Messages.ReactAsync(group, early + 5, ids[0], "👍", Now, None).DefaultTimeout()).Code());
        Assert.Empty(await ReactionsAsync(group, early, ids[0]));
    }

    [Fact]
    public async Task Marks_rise_but_never_go_back_nor_past_the_newest_message_and_reading_implies_delivery()
    {
        var (alice, bob, group) = await GroupAsync();
        for (var i = 0; i < 4; i++)
        {
            await Store.SendAsync(group, alice, Now);
        }

        await MarkAsync(group, bob, ReceiptKinds.Delivered, 1);
        Assert.Equal((0L, 1L), await MarksAsync(group, bob));
        await MarkAsync(group, bob, ReceiptKinds.Read, 3);
        Assert.Equal((3L, 3L), await MarksAsync(group, bob));
        await MarkAsync(group, bob, ReceiptKinds.Read, 2);
        await MarkAsync(group, bob, ReceiptKinds.Delivered, 1);
        Assert.Equal((3L, 3L), await MarksAsync(group, bob));
        await MarkAsync(group, bob, ReceiptKinds.Delivered, 100);
        Assert.Equal((3L, 4L), await MarksAsync(group, bob));
        await MarkAsync(group, bob, ReceiptKinds.Read, 100);
        Assert.Equal((4L, 4L), await MarksAsync(group, bob));
    }

    [Fact]
    public async Task Concurrent_marks_leave_the_highest_one()
    {
        var (alice, bob, group) = await GroupAsync();
        for (var i = 0; i < 20; i++)
        {
            await Store.SendAsync(group, alice, Now);
        }

        var order = Enumerable.Range(1, 20).Select(i => (long)(i * 7 % 20) + 1).ToList();
        await Task.WhenAll(order.Select(seq => Store.Messages.MarkAsync(group, bob, seq % 2 == 0 ? ReceiptKinds.Read : ReceiptKinds.Delivered, seq, Now, None))).DefaultTimeout();

        Assert.Equal((20L, 20L), await MarksAsync(group, bob));
    }

    [Fact]
    public async Task Concurrent_reactions_of_one_account_leave_one_reaction()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await Store.SendAsync(group, alice, Now);
        string[] emoji = ["👍", "🎉", "❤️", "😂", "🔥"];

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.Messages.ReactAsync(group, seq, bob, emoji[i % emoji.Length], Now, None))).DefaultTimeout();

        var reaction = Assert.Single(await ReactionsAsync(group, seq, alice));
        Assert.Equal(bob, reaction.AccountId);
        Assert.Contains(reaction.Emoji, emoji);
    }

    [Fact]
    public async Task Marking_needs_a_current_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        await Store.SendAsync(group, ids[0], Now);
        await Store.RemoveAsync(group, ids[1], ids[1], Now);

        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Messages.MarkAsync(group, ids[2], ReceiptKinds.Read, 1, Now, None).DefaultTimeout()).Code());
        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Messages.MarkAsync(group, ids[1], ReceiptKinds.Read, 1, Now, None).DefaultTimeout()).Code());
    }

    [Fact]
    public async Task The_unread_count_is_of_visible_undeleted_messages_from_others_after_the_read_mark()
    {
        var (alice, bob, group) = await GroupAsync();
        var first = await Store.SendAsync(group, alice, Now);
        await Store.SendAsync(group, alice, Now);
        await Store.SendAsync(group, bob, Now);
        var deleted = await Store.SendAsync(group, alice, Now);
        await Store.SendAsync(group, alice, Now);
        (await DeleteAsync(group, deleted, alice)).Succeeded();
        Assert.Equal(3, (await Store.ViewAsync(group, bob)).UnreadCount);

        await MarkAsync(group, bob, ReceiptKinds.Read, first);

        Assert.Equal(2, (await Store.ViewAsync(group, bob)).UnreadCount);
        Assert.Equal(1, (await Store.ViewAsync(group, alice)).UnreadCount);
    }

    [Fact]
    public async Task History_pages_backwards_from_the_newest_and_forwards_after_a_seq()
    {
        var (alice, bob, group) = await GroupAsync();
        for (var i = 1; i <= 10; i++)
        {
            await Store.SendAsync(group, i % 2 == 0 ? alice : bob, Now, $"m{i}");
        }

        Assert.Equal("m8 m9 m10, more", await PageTextAsync(group, bob, null, null, 3));
        Assert.Equal("m5 m6 m7, more", await PageTextAsync(group, bob, 8, null, 3));
        Assert.Equal("m1", await PageTextAsync(group, bob, 2, null, 3));
        Assert.Equal("m1 m2 m3, more", await PageTextAsync(group, bob, null, 0, 3));
        Assert.Equal("m8 m9, more", await PageTextAsync(group, bob, null, 7, 2));
        Assert.Equal("m10", await PageTextAsync(group, bob, null, 9, 3));
        Assert.Equal("", await PageTextAsync(group, bob, null, 10, 3));
    }

    [Fact]
    public async Task Paging_through_history_either_way_returns_every_message_once()
    {
        var (alice, bob, group) = await GroupAsync();
        for (var i = 0; i < 23; i++)
        {
            await Store.SendAsync(group, alice, Now, $"m{i}");
        }

        var forwards = new List<long>();
        for (long? after = 0; after is not null;)
        {
            var (seqs, more) = await PageAsync(group, bob, null, after, 5);
            forwards.AddRange(seqs);
            after = more ? seqs[^1] : null;
        }

        var backwards = new List<long>();
        for (long? before = null; ;)
        {
            var (seqs, more) = await PageAsync(group, bob, before, null, 5);
            backwards.InsertRange(0, seqs);
            if (!more)
            {
                break;
            }

            before = seqs[0];
        }

        Assert.Equal(Enumerable.Range(1, 23).Select(i => (long)i), forwards);
        Assert.Equal(forwards, backwards);
    }

    [Fact]
    public async Task A_member_sees_only_the_messages_sent_while_a_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol, dave) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(alice, [bob], Now);
        await Store.SendAsync(group, alice, Now, "one");
        await Store.AddAsync(group, alice, carol, Now);
        await Store.SendAsync(group, alice, Now, "two");
        await Store.RemoveAsync(group, bob, bob, Now);
        await Store.SendAsync(group, alice, Now, "three");

        Assert.Equal(["one", "two", "three"], (await Store.HistoryAsync(group, alice)).Select(m => m.Body));
        Assert.Equal(["one", "two"], (await Store.HistoryAsync(group, bob)).Select(m => m.Body));
        Assert.Equal(["two", "three"], (await Store.HistoryAsync(group, carol)).Select(m => m.Body));
        Assert.Equal("two", await PageTextAsync(group, bob, null, 1, 10));
        Assert.Equal("two", await PageTextAsync(group, carol, 3, null, 10));
        Assert.Equal(ConversationErrorCodes.NotAMember, (await Store.Messages.GetHistoryAsync(group, dave, null, null, 10, None).DefaultTimeout()).Code());
    }

    [Fact]
    public async Task Messages_edits_deletes_reactions_and_marks_survive_reopening_the_store()
    {
        var (alice, bob, group) = await GroupAsync();
        var edited = await Store.SendAsync(group, alice, Now, "before");
        var deleted = await Store.SendAsync(group, alice, Now, "gone");
        var reacted = await Store.SendAsync(group, alice, Now, "liked", replyTo: edited);
        (await Store.Messages.EditAsync(group, edited, alice, "after", Now, None).DefaultTimeout()).Succeeded();
        (await DeleteAsync(group, deleted, alice)).Succeeded();
        await ReactAsync(group, reacted, bob, "👍");
        await MarkAsync(group, bob, ReceiptKinds.Read, 2);
        var before = await Store.HistoryAsync(group, bob);

        await ReopenAsync();

        Assert.Equal(before.Select(Describe), (await Store.HistoryAsync(group, bob)).Select(Describe));
        Assert.Equal((2L, 2L), await MarksAsync(group, bob));
        Assert.Equal(4, await Store.SendAsync(group, bob, Now));
    }

    [Fact]
    public async Task A_send_repeated_after_reopening_the_store_is_still_a_duplicate()
    {
        var (alice, bob, group) = await GroupAsync();
        var first = (await Store.TrySendAsync(group, alice, Now, "durable", "c-1")).Succeeded();

        await ReopenAsync();

        Assert.Equal(first with { Duplicate = true }, (await Store.TrySendAsync(group, alice, Now, "durable", "c-1")).Succeeded());
        Assert.Single(await Store.HistoryAsync(group, bob));
    }

    private static string Describe(Message m) =>
        $"{m.Seq} {m.SenderId} {m.ClientId} {m.Body} {m.ReplyTo} {m.SentAt:O} {m.EditedAt:O} {m.DeletedAt:O} {string.Join(",", m.Reactions)}";

    private async Task<(long Alice, long Bob, long Group)> GroupAsync()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        return (ids[0], ids[1], await Store.GroupAsync(ids[0], [ids[1]], Now));
    }

    private Task<Outcome<Done>> DeleteAsync(long conversationId, long seq, long accountId) =>
        Store.Messages.DeleteAsync(conversationId, seq, accountId, Time.GetUtcNow(), None).DefaultTimeout();

    private async Task ReactAsync(long conversationId, long seq, long accountId, string? emoji) =>
        (await Store.Messages.ReactAsync(conversationId, seq, accountId, emoji, Time.GetUtcNow(), None).DefaultTimeout()).Succeeded();

    private async Task MarkAsync(long conversationId, long accountId, string kind, long seq) =>
        (await Store.Messages.MarkAsync(conversationId, accountId, kind, seq, Time.GetUtcNow(), None).DefaultTimeout()).Succeeded();

    private async Task<(long Read, long Delivered)> MarksAsync(long conversationId, long accountId)
    {
        var me = (await Store.ViewAsync(conversationId, accountId)).Me;
        return (me.ReadSeq, me.DeliveredSeq);
    }

    private async Task<IReadOnlyList<Reaction>> ReactionsAsync(long conversationId, long seq, long viewerId) =>
        (await Store.HistoryAsync(conversationId, viewerId)).Single(m => m.Seq == seq).Reactions;

    private async Task<(long[] Seqs, bool HasMore)> PageAsync(long conversationId, long accountId, long? before, long? after, int limit)
    {
        var page = (await Store.Messages.GetHistoryAsync(conversationId, accountId, before, after, limit, None).DefaultTimeout()).Succeeded();
        return ([.. page.Messages.Select(m => m.Seq)], page.HasMore);
    }

    /// <summary>A history page as text, for example <c>"8 9 10, more"</c>, so a whole page compares in one assertion.</summary>
    private async Task<string> PageTextAsync(long conversationId, long accountId, long? before, long? after, int limit)
    {
        var page = (await Store.Messages.GetHistoryAsync(conversationId, accountId, before, after, limit, None).DefaultTimeout()).Succeeded();
        return string.Join(" ", page.Messages.Select(m => m.Body ?? m.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture))) + (page.HasMore ? ", more" : "");
    }
}
