using System.Net;
using System.Text;
using System.Text.Json;
using Roost.Client.Realtime;
using Roost.Protocol;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>The points docs/protocol.md promises a client author: answer order, the ping barrier, self-describing events, client id rules.</summary>
public sealed class WireContractTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_pong_comes_only_after_every_earlier_pipelined_send_was_answered()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();
        var body = new string('x', 32 * 1024);

        // Written one after another, without waiting for acks: the server reads them in this order, then the ping.
        for (var i = 0; i < 64; i++)
        {
            var frame = ClientFrames.Send(chat.Conversation.Id, $"{i}:{body}", $"barrier-{i}", null) with { Ref = $"send-{i}" };
            await live.SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(frame, RoostJsonContext.Default.ClientFrame)).DefaultTimeout();
        }

        var pong = await live.PingAsync().DefaultTimeout();

        // Uncorrelated answers queue in Frames in arrival order; every ack must already be there.
        var acks = new List<ServerFrame>();
        while (live.Frames.TryRead(out var frame))
        {
            if (frame.Type == ServerFrameTypes.Ack)
            {
                acks.Add(frame);
            }
        }

        Assert.Equal(ServerFrameTypes.Pong, pong.Type);
        Assert.Equal(64, acks.Count);
        Assert.Equal(64, (await chat.Bob.GetMessagesAsync(chat.Conversation.Id, limit: 100).DefaultTimeout()).Messages.Count);
    }

    [Fact]
    public async Task Message_created_names_the_conversation_kind_and_reaches_the_sending_connection_too()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var direct = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var group = await alice.CreateGroupAsync("Kinds", [bobName]).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();

        await aliceLive.SendMessageAsync(direct.Id, "to the pair").DefaultTimeout();
        await aliceLive.SendMessageAsync(group.Id, "to the group").DefaultTimeout();

        var own = await aliceLive.NextEventAsync<MessageCreatedEvent>(e => e.Message.ConversationId == direct.Id);
        Assert.Equal("direct", own.ConversationKind);
        Assert.Equal("direct", (await bobLive.NextEventAsync<MessageCreatedEvent>(e => e.Message.ConversationId == direct.Id)).ConversationKind);
        Assert.Equal("group", (await bobLive.NextEventAsync<MessageCreatedEvent>(e => e.Message.ConversationId == group.Id)).ConversationKind);
    }

    [Fact]
    public async Task A_client_id_reused_for_a_different_message_is_refused_instead_of_answered_as_a_duplicate()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();
        var first = await live.SendMessageAsync(chat.Conversation.Id, "first", clientId: "counter-1").DefaultTimeout();

        var retry = await live.SendMessageAsync(chat.Conversation.Id, "first", clientId: "counter-1").DefaultTimeout();
        await live.SendMessageAsync(chat.Conversation.Id, "something else", clientId: "counter-1").ShouldFailRealtimeAsync("client_id_conflict");
        var rest = await Assert.ThrowsAsync<Client.RoostApiException>(() => chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "counter-1")).DefaultTimeout();

        Assert.True(retry.Duplicate);
        Assert.Equal(first.Seq, retry.Seq);
        Assert.Equal(HttpStatusCode.Conflict, rest.Status);
        Assert.Equal("client_id_conflict", rest.Code);
        Assert.Equal(["first"], (await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout()).Messages.Select(m => m.Body));
    }

    [Fact]
    public async Task Creating_a_group_answers_201_with_its_location()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var http = Instance.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/conversations/groups")
        {
            Content = new StringContent("{\"title\":\"Just me\",\"members\":[]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", alice.AccessToken);

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Matches("^/v1/conversations/[0-9]+$", response.Headers.Location!.OriginalString);
    }
}
