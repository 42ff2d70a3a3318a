using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Server.Messaging;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

public sealed class BackpressureAndRetentionTests
{
    /// <summary>
    /// With a patient close timeout the 4008 close frame arrives after what was buffered. With a short one the close
    /// handshake is bounded: a peer whose socket buffer stays full is aborted, and it may see a reset instead of 4008
    /// (docs/protocol.md says a client must treat both alike). Either way it resyncs with nothing lost.
    /// </summary>
    [Theory]
    [InlineData("00:01:00", true)]
    [InlineData("00:00:01", false)]
    public async Task A_slow_consumer_is_cut_off_with_4008_then_resyncs_with_nothing_lost_while_others_are_unaffected(string closeTimeout, bool closeFrameExpected)
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            // Small outboxes, and commits small enough that one commit's burst of events fits in them.
            ["Roost:Gateway:OutboxCapacity"] = "256",
            ["Roost:Storage:MaxWriteBatch"] = "8",
            ["Roost:Gateway:CloseTimeout"] = closeTimeout,
        });
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await instance.RegisterAndLoginAsync();
        var (carol, carolName, _) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        using var _c = carol;
        var group = await alice.CreateGroupAsync("Firehose", [bobName, carolName]).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var carolLive = await carol.ConnectLiveAsync();

        // Bob's socket has a tiny receive window and nothing reads it until the sends are done.
        using var tinyWindow = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(tinyWindow);
        using var slowBob = new ClientWebSocket();
        slowBob.Options.SetRequestHeader("Authorization", "Bearer " + bob.AccessToken);
        var uri = new UriBuilder(new Uri(instance.BaseAddress, "v1/ws")) { Scheme = "ws", Query = "cursor=0" }.Uri;
        await slowBob.ConnectAsync(uri, invoker, CancellationToken.None).DefaultTimeout();

        // About 10 MB for Bob: more than his outbox and both socket buffers hold. Alice pipelines 32 at a time.
        const int Count = 38 * 32;
        var body = new string('x', 8 * 1024);
        for (var start = 0; start < Count; start += 32)
        {
            await Task.WhenAll(Enumerable.Range(start, 32).Select(i => aliceLive.SendMessageAsync(group.Id, $"{i}:{body}"))).DefaultTimeout();
        }

        // Carol kept up the whole time.
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), (await carolLive.ReadMessagesAsync(Count)).Select(m => m.Event.Message.Seq));

        var seen = new List<long>();
        var reset = false;
        long cursor = 0;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            WebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await slowBob.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None).DefaultTimeout();
                    length += result.Count;
                }
                while (!result.EndOfMessage);
            }
            catch (WebSocketException) when (!closeFrameExpected)
            {
                reset = true;
                break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var frame = System.Text.Json.JsonSerializer.Deserialize(buffer.AsSpan(0, length), Roost.Protocol.RoostJsonContext.Default.ServerFrame)!;
            if (frame.Event is MessageCreatedEvent created)
            {
                seen.Add(created.Message.Seq);
                cursor = frame.Cursor!.Value;
            }
        }

        Assert.True(reset || slowBob.CloseStatus == (WebSocketCloseStatus)4008, $"closed with {slowBob.CloseStatus}, reset: {reset}");
        Assert.True(seen.Count < Count, "the slow consumer should have been cut off before the end");

        await using var resumed = await bob.ConnectAsync(syncFrom: cursor).DefaultTimeout();
        var rest = await resumed.ReadMessagesAsync(Count - seen.Count);
        seen.AddRange(rest.Select(m => m.Event.Message.Seq));
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), seen);
        var extra = (await resumed.DrainAsync()).Where(f => f.Event is MessageCreatedEvent).ToList();
        Assert.True(extra.Count == 0, $"cursor {cursor}, seen {seen.Count - rest.Count} live, rest cursors {rest[0].Cursor}..{rest[^1].Cursor}, extra: " + string.Join(",", extra.Select(f => $"{f.Cursor}:{((MessageCreatedEvent)f.Event!).Message.Seq}")));
    }

    [Fact]
    public async Task A_cursor_older_than_the_retention_window_gets_resync_required_and_rest_rebuilds_state()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Messaging:EventRetention"] = "1.00:00:00" }, clock);
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var oldCursor = (await bob.GetConversationsAsync().DefaultTimeout()).Cursor;
        for (var i = 0; i < 3; i++)
        {
            await alice.SendMessageAsync(conversation.Id, $"old {i}").DefaultTimeout();
        }

        clock.Advance(TimeSpan.FromDays(2));
        await alice.SendMessageAsync(conversation.Id, "fresh").DefaultTimeout();
        var compacted = await instance.Services.GetRequiredService<EventCompactionService>().CompactOnceAsync(CancellationToken.None).DefaultTimeout();

        await using var stale = await bob.ConnectAsync().DefaultTimeout();
        var resync = await stale.SyncAsync(oldCursor).DefaultTimeout();

        var rebuilt = await bob.GetConversationsAsync().DefaultTimeout();
        var history = await bob.GetMessagesAsync(conversation.Id).DefaultTimeout();
        var synced = await stale.SyncAsync(rebuilt.Cursor).DefaultTimeout();

        Assert.True(compacted >= 3);
        Assert.Equal(ServerFrameTypes.ResyncRequired, resync.Type);
        Assert.True(resync.Cursor >= rebuilt.Cursor - 1);
        Assert.Equal(["old 0", "old 1", "old 2", "fresh"], history.Messages.Select(m => m.Body));
        Assert.Equal((ServerFrameTypes.Synced, rebuilt.Cursor), (synced.Type, synced.Cursor!.Value));
    }

    [Fact]
    public async Task When_every_event_was_compacted_the_head_cursor_still_syncs_without_resync()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Messaging:EventRetention"] = "1.00:00:00" }, clock);
        using var chat = await instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        await alice.SendMessageAsync(conversation.Id, "long ago").DefaultTimeout();
        clock.Advance(TimeSpan.FromDays(2));
        await instance.Services.GetRequiredService<EventCompactionService>().CompactOnceAsync(CancellationToken.None).DefaultTimeout();

        var list = await bob.GetConversationsAsync().DefaultTimeout();
        await using var live = await bob.ConnectAsync().DefaultTimeout();
        var synced = await live.SyncAsync(list.Cursor).DefaultTimeout();

        Assert.True(list.Cursor > 0);
        Assert.Equal(list.Cursor, live.HeadCursor);
        Assert.Equal((ServerFrameTypes.Synced, list.Cursor), (synced.Type, synced.Cursor!.Value));
    }

    [Fact]
    public async Task A_cursor_ahead_of_the_server_gets_resync_required_rather_than_a_silent_skip()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        await using var live = await chat.Bob.ConnectAsync().DefaultTimeout();

        var answer = await live.SyncAsync(live.HeadCursor + 1000).DefaultTimeout();
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "still delivered").DefaultTimeout();

        Assert.Equal((ServerFrameTypes.ResyncRequired, live.HeadCursor), (answer.Type, answer.Cursor!.Value));
        Assert.Equal("still delivered", (await live.NextEventAsync<MessageCreatedEvent>()).Message.Body);
    }

    [Fact]
    public async Task A_client_reader_that_falls_a_whole_buffer_behind_drops_the_connection_instead_of_stalling_answers()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        await using var live = await RoostConnection.ConnectAsync(instance.BaseAddress, chat.Bob.AccessToken!, syncFrom: 0, frameBuffer: 2).DefaultTimeout();

        for (var i = 0; i < 5; i++)
        {
            await chat.Alice.SendMessageAsync(chat.Conversation.Id, $"unread {i}").DefaultTimeout();
        }

        await live.Completion.DefaultTimeout();
        await Assert.ThrowsAnyAsync<Exception>(() => live.PingAsync()).DefaultTimeout();
    }
}
