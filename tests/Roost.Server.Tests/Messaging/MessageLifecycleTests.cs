using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>Receipts, unread counts, edits, deletes, reactions, replies, typing and presence.</summary>
public sealed class MessageLifecycleTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task Read_and_delivered_receipts_reach_the_sender_and_unread_counts_follow()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();
        for (var i = 1; i <= 3; i++)
        {
            await aliceLive.SendMessageAsync(conversation.Id, $"unread {i}").DefaultTimeout();
        }

        var listed = (await bob.GetConversationsAsync().DefaultTimeout()).Conversations.Single(c => c.Id == conversation.Id);
        await bobLive.MarkDeliveredAsync(conversation.Id, 3).DefaultTimeout();
        var delivered = await aliceLive.NextEventAsync<ReceiptEvent>(r => r.Kind == "delivered");
        await bobLive.MarkReadAsync(conversation.Id, 2).DefaultTimeout();
        var read = await aliceLive.NextEventAsync<ReceiptEvent>(r => r.Kind == "read");
        var afterRead = await bob.GetConversationAsync(conversation.Id).DefaultTimeout();
        var senderView = await alice.GetConversationAsync(conversation.Id).DefaultTimeout();

        Assert.Equal((3L, 3L, "unread 3"), (listed.UnreadCount, listed.LastSeq, listed.LastMessage!.Body));
        Assert.Equal((bobLogin.AccountId, 3L), (delivered.AccountId, delivered.Seq));
        Assert.Equal((bobLogin.AccountId, 2L), (read.AccountId, read.Seq));
        Assert.Equal((1L, 2L), (afterRead.UnreadCount, afterRead.ReadSeq));
        Assert.Equal(0, senderView.UnreadCount);
    }

    [Fact]
    public async Task A_read_mark_never_moves_backwards_or_past_the_newest_message()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        await alice.SendMessageAsync(conversation.Id, "one").DefaultTimeout();
        await alice.SendMessageAsync(conversation.Id, "two").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        await bobLive.MarkReadAsync(conversation.Id, 99).DefaultTimeout();
        await bobLive.MarkReadAsync(conversation.Id, 1).DefaultTimeout();

        Assert.Equal(2, (await bob.GetConversationAsync(conversation.Id).DefaultTimeout()).ReadSeq);
    }

    [Fact]
    public async Task Edits_deletes_and_reactions_reach_every_member_and_a_tombstone_remains()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (carol, carolName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        using var _c = carol;
        var group = await alice.CreateGroupAsync("Lifecycle", [bobName, carolName]).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();
        await using var carolLive = await carol.ConnectLiveAsync();
        var sent = await aliceLive.SendMessageAsync(group.Id, "typo hree").DefaultTimeout();
        var seq = sent.Seq!.Value;

        await aliceLive.EditAsync(group.Id, seq, "typo here").DefaultTimeout();
        await bobLive.ReactAsync(group.Id, seq, "👍").DefaultTimeout();
        await bobLive.ReactAsync(group.Id, seq, "🎉").DefaultTimeout();
        var reply = await carolLive.SendMessageAsync(group.Id, "replying", replyTo: seq).DefaultTimeout();

        foreach (var live in new[] { aliceLive, bobLive, carolLive })
        {
            Assert.Equal("typo here", (await live.NextEventAsync<MessageEditedEvent>()).Body);
            Assert.Equal("👍", (await live.NextEventAsync<ReactionEvent>()).Emoji);
            Assert.Equal("🎉", (await live.NextEventAsync<ReactionEvent>()).Emoji);
            Assert.Equal(seq, (await live.NextEventAsync<MessageCreatedEvent>(m => m.Message.Seq == reply.Seq)).Message.ReplyTo);
        }

        var withReaction = (await carol.GetMessagesAsync(group.Id).DefaultTimeout()).Messages.Single(m => m.Seq == seq);
        Assert.Equal([(bobLogin.AccountId, "🎉")], withReaction.Reactions.Select(r => (r.AccountId, r.Emoji)));
        Assert.NotNull(withReaction.EditedAt);

        await bobLive.EditAsync(group.Id, seq, "not mine").ShouldFailRealtimeAsync("not_sender");
        await bobLive.DeleteAsync(group.Id, seq).ShouldFailRealtimeAsync("not_sender");
        await aliceLive.DeleteAsync(group.Id, seq).DefaultTimeout();
        foreach (var live in new[] { aliceLive, bobLive, carolLive })
        {
            Assert.Equal(seq, (await live.NextEventAsync<MessageDeletedEvent>()).Seq);
        }

        var tombstone = (await bob.GetMessagesAsync(group.Id).DefaultTimeout()).Messages.Single(m => m.Seq == seq);
        Assert.Equal((null, aliceLogin.AccountId), (tombstone.Body, tombstone.SenderId));
        Assert.NotNull(tombstone.DeletedAt);
        Assert.Empty(tombstone.Reactions);
        await aliceLive.EditAsync(group.Id, seq, "undo").ShouldFailRealtimeAsync("message_deleted");
    }

    [Fact]
    public async Task A_reaction_must_be_one_emoji_and_can_be_removed()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var ack = await alice.SendMessageAsync(conversation.Id, "react to me").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        await bobLive.ReactAsync(conversation.Id, ack.Seq, "not an emoji").ShouldFailRealtimeAsync("validation_failed");
        await bobLive.ReactAsync(conversation.Id, ack.Seq, "👍👍").ShouldFailRealtimeAsync("validation_failed");
        await bobLive.ReactAsync(conversation.Id, ack.Seq, "👍🏽").DefaultTimeout();
        await bobLive.ReactAsync(conversation.Id, ack.Seq, null).DefaultTimeout();
        await bobLive.ReactAsync(conversation.Id, 999, "👍").ShouldFailRealtimeAsync("not_found");

        Assert.Empty((await bob.GetMessagesAsync(conversation.Id).DefaultTimeout()).Messages.Single().Reactions);
    }

    [Fact]
    public async Task History_pages_backwards_and_forwards_by_sequence_number()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        for (var i = 1; i <= 25; i++)
        {
            await alice.SendMessageAsync(conversation.Id, $"h{i}").DefaultTimeout();
        }

        var newest = await alice.GetMessagesAsync(conversation.Id, limit: 10).DefaultTimeout();
        var older = await alice.GetMessagesAsync(conversation.Id, before: newest.Messages[0].Seq, limit: 10).DefaultTimeout();
        var oldest = await alice.GetMessagesAsync(conversation.Id, before: older.Messages[0].Seq, limit: 10).DefaultTimeout();
        var forward = await alice.GetMessagesAsync(conversation.Id, after: 20).DefaultTimeout();

        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), newest.Messages.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), older.Messages.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), oldest.Messages.Select(m => m.Seq));
        Assert.True(newest.HasMore && older.HasMore);
        Assert.False(oldest.HasMore);
        Assert.Equal(Enumerable.Range(21, 5).Select(i => (long)i), forward.Messages.Select(m => m.Seq));
        await alice.GetMessagesAsync(conversation.Id, before: 5, after: 1).ShouldFailAsync("validation_failed");
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_and_is_never_stored()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var start = (await bob.GetConversationsAsync().DefaultTimeout()).Cursor;
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();

        await aliceLive.TypingAsync(conversation.Id).DefaultTimeout();
        var typing = await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Typing);

        Assert.Equal((conversation.Id, aliceLogin.AccountId), (typing.ConversationId!.Value, typing.AccountId!.Value));
        Assert.True(typing.ExpiresInMs > 0);
        Assert.DoesNotContain(await aliceLive.DrainAsync(), f => f.Type == ServerFrameTypes.Typing);
        await using var replay = await bob.ConnectAsync(syncFrom: start).DefaultTimeout();
        var replayed = await replay.ReadUntilAsync(f => f.Type == ServerFrameTypes.Synced);
        Assert.Equal(start, replayed.Cursor);
    }

    [Fact]
    public async Task Presence_shows_contacts_online_then_offline_with_last_seen_unless_hidden()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (_, strangerName, strangerLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([bobLogin.AccountId]).DefaultTimeout();

        var bobLive = await bob.ConnectLiveAsync();
        var online = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == bobLogin.AccountId && f.Status == "online");
        Assert.Equal("online", (await alice.GetPresenceAsync().DefaultTimeout()).Single(p => p.AccountId == bobLogin.AccountId).Status);
        await bobLive.DisposeAsync();
        var offline = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == bobLogin.AccountId && f.Status == "offline");
        await bob.SetPresenceHiddenAsync(true).DefaultTimeout();
        var hidden = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == bobLogin.AccountId && f.Status == "hidden");
        var listed = await alice.GetPresenceAsync().DefaultTimeout();

        Assert.Null(online.LastSeenAt);
        Assert.NotNull(offline.LastSeenAt);
        Assert.Null(hidden.LastSeenAt);
        Assert.Equal(("hidden", (DateTimeOffset?)null), listed.Where(p => p.AccountId == bobLogin.AccountId).Select(p => (p.Status, p.LastSeenAt)).Single());
        Assert.DoesNotContain(strangerLogin.AccountId, listed.Select(p => p.AccountId));
        _ = strangerName;
    }
}

internal static class RealtimeAssertions
{
    public static async Task<RoostRealtimeException> ShouldFailRealtimeAsync(this Task<ServerFrame> task, string expectedCode)
    {
        var failure = await Assert.ThrowsAsync<RoostRealtimeException>(() => task).DefaultTimeout();
        Assert.Equal(expectedCode, failure.Code);
        return failure;
    }
}
