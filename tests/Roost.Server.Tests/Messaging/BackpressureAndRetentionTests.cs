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
    [Fact]
    public async Task A_slow_consumer_is_cut_off_with_4008_then_resyncs_with_nothing_lost_while_others_are_unaffected()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            // Small outboxes, and commits small enough that one commit's burst of events fits in them.
            ["Roost:Gateway:OutboxCapacity"] = "256",
            ["Roost:Storage:MaxWriteBatch"] = "8",
            ["Roost:Gateway:CloseTimeout"] = "00:01:00",
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

        // Bob's socket has a tiny receive window and his client holds one frame: he stops reading almost at once.
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
        await using var slowBob = await RoostConnection.ConnectAsync(instance.BaseAddress, bob.AccessToken!, syncFrom: 0, frameBuffer: 1, invoker: invoker).DefaultTimeout();

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
        while (await slowBob.ReadAsync(new CancellationTokenSource(TimeoutExtensions.Limit).Token) is { } frame)
        {
            if (frame.Event is MessageCreatedEvent created)
            {
                seen.Add(created.Message.Seq);
            }
        }

        Assert.Equal((WebSocketCloseStatus)4008, slowBob.CloseStatus);
        Assert.True(seen.Count < Count, "the slow consumer should have been cut off before the end");
        var cursor = slowBob.Cursor;

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
}
