using System.Net;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

public sealed class DirectChatTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_direct_conversation_is_created_once_per_pair_whoever_starts_it()
    {
        var (alice, aliceName, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        var first = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var again = await alice.CreateDirectAsync(bobName.ToUpperInvariant()).DefaultTimeout();
        var fromBob = await bob.CreateDirectAsync(aliceName).DefaultTimeout();

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, fromBob.Id);
        Assert.Equal("direct", first.Kind);
        Assert.Equal(new[] { aliceName, bobName }.Order(), first.Members.Select(m => m.Username).Order());
    }

    [Fact]
    public async Task A_direct_conversation_with_yourself_or_nobody_is_refused()
    {
        var (alice, aliceName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;

        await alice.CreateDirectAsync(aliceName).ShouldFailAsync("validation_failed");
        await alice.CreateDirectAsync("no_such_user_here").ShouldFailAsync("validation_failed");
    }

    [Fact]
    public async Task Two_users_chat_in_real_time_with_acks_after_commit_and_gap_free_sequence_numbers()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();

        var ack = await aliceLive.SendMessageAsync(conversation.Id, "hello bob", clientId: "c-1").DefaultTimeout();
        var received = await bobLive.NextEventAsync<MessageCreatedEvent>();
        var reply = await bobLive.SendMessageAsync(conversation.Id, "hi alice").DefaultTimeout();
        var aliceSees = await aliceLive.NextEventAsync<MessageCreatedEvent>(e => e.Message.Seq == reply.Seq);

        Assert.Equal((ServerFrameTypes.Ack, 1L, "c-1", false), (ack.Type, ack.Seq!.Value, ack.ClientId, ack.Duplicate!.Value));
        Assert.Equal(("hello bob", 1L, aliceLogin.AccountId, conversation.Id), (received.Message.Body, received.Message.Seq, received.Message.SenderId, received.Message.ConversationId));
        Assert.Equal(2, reply.Seq);
        Assert.Equal("hi alice", aliceSees.Message.Body);
        var history = await bob.GetMessagesAsync(conversation.Id).DefaultTimeout();
        Assert.Equal([1L, 2L], history.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task Rest_send_is_idempotent_by_client_id()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;

        var first = await alice.SendMessageAsync(conversation.Id, "once", clientId: "rest-1").DefaultTimeout();
        var repeat = await alice.SendMessageAsync(conversation.Id, "once", clientId: "rest-1").DefaultTimeout();

        Assert.False(first.Duplicate);
        Assert.True(repeat.Duplicate);
        Assert.Equal(first.Seq, repeat.Seq);
        Assert.Single((await bob.GetMessagesAsync(conversation.Id).DefaultTimeout()).Messages);
    }
}
