using System.Text;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>The worked example session of docs/protocol.md, frame by frame, as a client author would replay it.</summary>
public sealed class WorkedExampleTests
{
    [Fact]
    public async Task The_worked_example_session_runs_as_written()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var id = conversation.Id;

        await using var aliceLive = await alice.ConnectAsync().DefaultTimeout();
        var bobLive = await bob.ConnectAsync().DefaultTimeout();

        await Raw(bobLive, """{"type":"sync","cursor":0,"ref":"s1"}""");
        var created = await Next(bobLive);
        Assert.Equal(ServerFrameTypes.Event, created.Type);
        Assert.IsType<ConversationCreatedEvent>(created.Event);
        var bobSynced = await Next(bobLive);
        Assert.Equal(ServerFrameTypes.Synced, bobSynced.Type);
        Assert.Equal("s1", bobSynced.Ref);
        Assert.Equal(created.Cursor, bobSynced.Cursor);

        await Raw(aliceLive, """{"type":"sync","ref":"s1"}""");
        var aliceSynced = await NextOfType(aliceLive, ServerFrameTypes.Synced);
        Assert.Equal("s1", aliceSynced.Ref);

        await Raw(aliceLive, $$"""{"type":"presence.subscribe","ref":"p1","accountIds":[{{bobLogin.AccountId}}]}""");
        var subscribed = await NextOfType(aliceLive, ServerFrameTypes.PresenceSubscribed);
        Assert.Equal("p1", subscribed.Ref);
        Assert.Equal([new PresenceResponse(bobLogin.AccountId, "online", null)], subscribed.Presence!);

        await Raw(aliceLive, $$"""{"type":"send","ref":"r1","conversationId":{{id}},"clientId":"9f1c2d","body":"Hi Bob!"}""");
        var own = await NextOfType(aliceLive, ServerFrameTypes.Event);
        var ownMessage = Assert.IsType<MessageCreatedEvent>(own.Event);
        Assert.Equal(("direct", "9f1c2d", 1L), (ownMessage.ConversationKind, ownMessage.Message.ClientId, ownMessage.Message.Seq));
        var ack = await Next(aliceLive);
        Assert.Equal(ServerFrameTypes.Ack, ack.Type);
        Assert.Equal("r1", ack.Ref);
        Assert.False(ack.Duplicate);
        Assert.Equal(1, ack.Seq);
        var bobMessage = await NextOfType(bobLive, ServerFrameTypes.Event);
        Assert.Equal(own.Cursor, bobMessage.Cursor);

        await Raw(bobLive, $$"""{"type":"typing","conversationId":{{id}}}""");
        var typing = await NextOfType(aliceLive, ServerFrameTypes.Typing);
        Assert.Equal(6000, typing.ExpiresInMs);

        await Raw(bobLive, $$"""{"type":"read","ref":"r2","conversationId":{{id}},"seq":1}""");
        var bobReceipt = await Next(bobLive);
        Assert.Equal("read", Assert.IsType<ReceiptEvent>(bobReceipt.Event).Kind);
        var ok = await Next(bobLive);
        Assert.Equal(ServerFrameTypes.Ok, ok.Type);
        Assert.Equal("r2", ok.Ref);
        Assert.IsType<ReceiptEvent>((await NextOfType(aliceLive, ServerFrameTypes.Event)).Event);

        await Raw(aliceLive, $$"""{"type":"send","ref":"r3","conversationId":{{id}},"clientId":"9f1c2d","body":"Hi Bob!"}""");
        var repeat = await NextOfType(aliceLive, ServerFrameTypes.Ack);
        Assert.Equal("r3", repeat.Ref);
        Assert.True(repeat.Duplicate);
        Assert.Equal(1, repeat.Seq);

        await Raw(aliceLive, """{"type":"sned","ref":"r4"}""");
        var error = await NextOfType(aliceLive, ServerFrameTypes.Error);
        Assert.Equal("r4", error.Ref);
        Assert.Equal("unknown_type", error.Code);
        Assert.Equal("Unknown frame type 'sned'.", error.Message);

        var bobCursor = bobReceipt.Cursor!.Value;
        await bobLive.DisposeAsync();
        var offline = await NextOfType(aliceLive, ServerFrameTypes.Presence);
        Assert.Equal(("offline", bobLogin.AccountId), (offline.Status, offline.AccountId!.Value));
        Assert.NotNull(offline.LastSeenAt);

        await using var bobAgain = await bob.ConnectAsync(syncFrom: bobCursor).DefaultTimeout();
        var resumed = await NextOfType(bobAgain, ServerFrameTypes.Synced);
        Assert.Equal(bobCursor, resumed.Cursor);
    }

    private static Task Raw(RoostConnection connection, string frame) => connection.SendRawAsync(Encoding.UTF8.GetBytes(frame)).DefaultTimeout();

    private static Task<ServerFrame> Next(RoostConnection connection) => connection.ReadUntilAsync(f => f.Type != ServerFrameTypes.Presence);

    private static Task<ServerFrame> NextOfType(RoostConnection connection, string type) => connection.ReadUntilAsync(f => f.Type == type);
}
