using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>The delivery contract of docs/protocol.md: ordered, gap-free, exactly-once, resumable.</summary>
public sealed class DeliveryContractTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task Messages_from_two_senders_get_one_gap_free_order_that_every_member_sees()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();

        await Task.WhenAll(
            Task.WhenAll(Enumerable.Range(0, 50).Select(i => aliceLive.SendMessageAsync(conversation.Id, $"a{i}"))),
            Task.WhenAll(Enumerable.Range(0, 50).Select(i => bobLive.SendMessageAsync(conversation.Id, $"b{i}")))).DefaultTimeout();
        var seenByAlice = await aliceLive.ReadMessagesAsync(100);
        var seenByBob = await bobLive.ReadMessagesAsync(100);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), seenByAlice.Select(m => m.Event.Message.Seq));
        Assert.Equal(seenByAlice.Select(m => m.Event.Message.Body), seenByBob.Select(m => m.Event.Message.Body));
        AssertStrictlyIncreasing(seenByBob.Select(m => m.Cursor));
        var aliceOrder = seenByBob.Select(m => m.Event.Message.Body!).Where(b => b.StartsWith('a')).ToList();
        Assert.Equal(aliceOrder.OrderBy(b => int.Parse(b[1..], System.Globalization.CultureInfo.InvariantCulture)), aliceOrder);
    }

    [Fact]
    public async Task A_send_repeated_after_a_lost_connection_is_stored_once_and_acked_with_the_first_seq()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        await using var bobLive = await bob.ConnectLiveAsync();

        // The first connection sends and dies before it can read the ack.
        var doomed = await alice.ConnectLiveAsync();
        await doomed.SendRawAsync(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"type":"send","conversationId":{{conversation.Id}},"clientId":"retry-me","body":"exactly once"}""")).DefaultTimeout();
        var delivered = await bobLive.NextEventAsync<MessageCreatedEvent>();
        doomed.Abort();
        await doomed.DisposeAsync();

        await using var retry = await alice.ConnectLiveAsync();
        var ack = await retry.SendMessageAsync(conversation.Id, "exactly once", clientId: "retry-me").DefaultTimeout();

        Assert.True(ack.Duplicate);
        Assert.Equal(delivered.Message.Seq, ack.Seq);
        Assert.Single((await alice.GetMessagesAsync(conversation.Id).DefaultTimeout()).Messages);
        Assert.DoesNotContain(await bobLive.DrainAsync(), f => f.Event is MessageCreatedEvent);
    }

    [Fact]
    public async Task A_client_id_reused_in_another_conversation_is_refused()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        var (_, carolName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        var withBob = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var withCarol = await alice.CreateDirectAsync(carolName).DefaultTimeout();
        await alice.SendMessageAsync(withBob.Id, "one", clientId: "shared-id").DefaultTimeout();

        await alice.SendMessageAsync(withCarol.Id, "two", clientId: "shared-id").ShouldFailAsync("client_id_reused");
    }

    [Fact]
    public async Task An_offline_user_receives_everything_in_order_when_they_sync()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var start = (await bob.GetConversationsAsync().DefaultTimeout()).Cursor;
        for (var i = 1; i <= 30; i++)
        {
            await alice.SendMessageAsync(conversation.Id, $"m{i}").DefaultTimeout();
        }

        await using var bobLive = await bob.ConnectAsync(syncFrom: start).DefaultTimeout();
        var received = await bobLive.ReadMessagesAsync(30);
        var synced = await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Synced);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"m{i}"), received.Select(m => m.Event.Message.Body));
        AssertStrictlyIncreasing(received.Select(m => m.Cursor));
        Assert.Equal(received[^1].Cursor, synced.Cursor);
    }

    [Fact]
    public async Task A_reconnecting_device_syncs_what_it_missed_then_continues_live_with_no_gap_or_duplicate()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        long cursor;
        await using (var first = await bob.ConnectLiveAsync())
        {
            await alice.SendMessageAsync(conversation.Id, "seen live").DefaultTimeout();
            await first.ReadMessagesAsync(1);
            cursor = first.Cursor;
        }

        for (var i = 0; i < 10; i++)
        {
            await alice.SendMessageAsync(conversation.Id, $"missed {i}").DefaultTimeout();
        }

        await using var second = await bob.ConnectAsync(syncFrom: cursor).DefaultTimeout();

        // Sends race the sync: each message must still arrive exactly once, in order.
        var racing = Task.WhenAll(Enumerable.Range(0, 10).Select(i => alice.SendMessageAsync(conversation.Id, $"during {i}")));
        var received = await second.ReadMessagesAsync(20);
        await racing.DefaultTimeout();

        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i), received.Select(m => m.Event.Message.Seq));
        AssertStrictlyIncreasing(received.Select(m => m.Cursor));
        Assert.DoesNotContain(await second.DrainAsync(), f => f.Event is MessageCreatedEvent);
    }

    [Fact]
    public async Task A_users_other_devices_receive_their_own_messages_and_every_device_receives_once()
    {
        var (alice, aliceName, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        var (aliceTablet, _) = await Instance.LoginAsync(aliceName, deviceName: "tablet");
        var (bobTablet, _) = await Instance.LoginAsync(bobName, deviceName: "tablet");
        using var _a = alice;
        using var _b = bob;
        using var _at = aliceTablet;
        using var _bt = bobTablet;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await using var alicePhone = await alice.ConnectLiveAsync();
        await using var aliceTab = await aliceTablet.ConnectLiveAsync();
        await using var bobPhone = await bob.ConnectLiveAsync();
        await using var bobTab = await bobTablet.ConnectLiveAsync();

        var ack = await alicePhone.SendMessageAsync(conversation.Id, "to every device").DefaultTimeout();

        foreach (var device in new[] { alicePhone, aliceTab, bobPhone, bobTab })
        {
            var received = await device.NextEventAsync<MessageCreatedEvent>();
            Assert.Equal(ack.Seq, received.Message.Seq);
            Assert.DoesNotContain(await device.DrainAsync(), f => f.Event is MessageCreatedEvent);
        }
    }

    [Fact]
    public async Task The_live_client_resends_across_a_dropped_connection_and_hands_out_each_event_once()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        await using var aliceLive = new RoostLiveClient(Instance.BaseAddress, alice.AccessToken!);
        await using var bobLive = new RoostLiveClient(Instance.BaseAddress, bob.AccessToken!);
        await aliceLive.StartAsync().DefaultTimeout();
        await bobLive.StartAsync().DefaultTimeout();

        var acks = new List<ServerFrame>();
        for (var i = 0; i < 20; i++)
        {
            if (i % 5 == 2)
            {
                aliceLive.DropConnection();
                bobLive.DropConnection();
            }

            acks.Add(await aliceLive.SendAsync(conversation.Id, $"resilient {i}").DefaultTimeout());
        }

        var bodies = new List<string>();
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (bodies.Count < 20)
        {
            var frame = await bobLive.Frames.ReadAsync(timeout.Token);
            if (frame.Event is MessageCreatedEvent created)
            {
                bodies.Add(created.Message.Body!);
            }
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"resilient {i}"), bodies);
        Assert.Equal(20, acks.Select(a => a.Seq).Distinct().Count());
        Assert.Equal(20, (await alice.GetMessagesAsync(conversation.Id).DefaultTimeout()).Messages.Count);
        Assert.True(aliceLive.Reconnects >= 1);
    }

    private static void AssertStrictlyIncreasing(IEnumerable<long> values)
    {
        var list = values.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            Assert.True(list[i] > list[i - 1], $"Not strictly increasing at {i}: {list[i - 1]} then {list[i]}");
        }
    }
}
