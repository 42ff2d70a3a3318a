using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Roost.Bus.RabbitMq;
using Roost.Client.Realtime;
using Roost.Core.Cluster;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Protocol.Realtime;
using Roost.Protocol.Events;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>
/// Two nodes of one cluster (one PostgreSQL database, one bus) with users spread over them: events committed on
/// either node reach every connection once, in cursor order, and a revocation made on one node closes sockets on the
/// other. The same tests with node processes and RabbitMQ live in the cluster suite; these prove the gateway's side.
/// </summary>
public sealed class CrossNodeTests
{
    private const int MessagesPerSender = 40;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_sent_on_both_nodes_reach_every_member_once_in_cursor_order(bool overRabbitMq)
    {
        var (first, second, _) = await StartClusterAsync(overRabbitMq);
        await using var _first = first;
        await using var _second = second;
        var (alice, _, _) = await first.RegisterAndLoginAsync();
        var bobName = (await first.RegisterUsersAsync(1))[0];
        var carolName = (await first.RegisterUsersAsync(1))[0];
        var (bob, _) = await second.LoginAsync(bobName);
        var (carolOnSecond, _) = await second.LoginAsync(carolName, deviceName: "phone");
        var (carolOnFirst, _) = await first.LoginAsync(carolName, deviceName: "laptop");
        using var _a = alice;
        using var _b = bob;
        using var _c1 = carolOnSecond;
        using var _c2 = carolOnFirst;
        var group = await alice.CreateGroupAsync("Spread", [bobName, carolName]).DefaultTimeout();

        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();
        await using var carolPhone = await carolOnSecond.ConnectLiveAsync();
        await using var carolLaptop = await carolOnFirst.ConnectLiveAsync();

        // Alice writes through the first node and Bob through the second, at once: their commits interleave, and each
        // node hears of the other's only through the bus.
        await Task.WhenAll(SendAllAsync(aliceLive, group.Id, "a"), SendAllAsync(bobLive, group.Id, "b")).DefaultTimeout();

        foreach (var live in new[] { aliceLive, bobLive, carolPhone, carolLaptop })
        {
            var messages = await live.ReadMessagesAsync(2 * MessagesPerSender);
            Assert.Equal(Enumerable.Range(1, 2 * MessagesPerSender).Select(i => (long)i), messages.Select(m => m.Event.Message.Seq));
            Assert.True(messages.Zip(messages.Skip(1)).All(pair => pair.First.Cursor < pair.Second.Cursor), "cursors must strictly increase");
            Assert.DoesNotContain(await live.DrainAsync(), f => f.Event is MessageCreatedEvent);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Logging_out_on_one_node_closes_that_devices_socket_on_the_other(bool overRabbitMq)
    {
        var (first, second, _) = await StartClusterAsync(overRabbitMq);
        await using var _first = first;
        await using var _second = second;
        var (onFirst, _, login) = await first.RegisterAndLoginAsync();
        using var _f = onFirst;
        using var sameDeviceOnSecond = second.CreateClient();
        sameDeviceOnSecond.AccessToken = login.Token;
        await using var live = await sameDeviceOnSecond.ConnectLiveAsync();

        await onFirst.LogoutAsync().DefaultTimeout();

        await live.Completion.DefaultTimeout();
        Assert.Equal((WebSocketCloseStatus)4003, live.CloseStatus);
    }

    [Fact]
    public async Task An_event_whose_hint_was_lost_is_read_from_the_store_when_the_next_one_shows_the_gap()
    {
        var (first, second, hub) = await StartClusterAsync(overRabbitMq: false);
        var bus = hub!;
        await using var _first = first;
        await using var _second = second;
        using var direct = await DirectChatAcrossAsync(first, second);
        var (alice, bob, chat) = (direct.Alice, direct.Bob, direct.Conversation);
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();

        // The hint of the first message never reaches Bob's node; the second one's names the first as its predecessor.
        bus.LosesMessages = true;
        await aliceLive.SendMessageAsync(chat.Id, "lost hint", clientId: "m1").DefaultTimeout();
        bus.LosesMessages = false;
        await aliceLive.SendMessageAsync(chat.Id, "next", clientId: "m2").DefaultTimeout();

        var messages = await bobLive.ReadMessagesAsync(2);
        Assert.Equal(["lost hint", "next"], messages.Select(m => m.Event.Message.Body));
        Assert.DoesNotContain(await bobLive.DrainAsync(), f => f.Event is MessageCreatedEvent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_online_on_either_node_is_online_to_a_watcher_on_the_other_until_their_last_connection_anywhere_closes(bool overRabbitMq)
    {
        var (first, second, _) = await StartClusterAsync(overRabbitMq);
        await using var _first = first;
        await using var _second = second;
        using var direct = await DirectChatAcrossAsync(first, second);
        var (alice, aliceLogin, bob) = (direct.Alice, direct.AliceLogin, direct.Bob);
        using var aliceOnSecond = second.CreateClient();
        aliceOnSecond.AccessToken = aliceLogin.Token;
        await using var bobLive = await bob.ConnectLiveAsync();
        Assert.Equal("offline", (await bobLive.SubscribePresenceAsync([aliceLogin.AccountId]).DefaultTimeout()).Single().Status);

        var aliceOnFirstLive = await alice.ConnectLiveAsync();
        await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.Status == "online");

        // Her second connection is on Bob's node; closing the first one leaves her online.
        var aliceOnSecondLive = await aliceOnSecond.ConnectLiveAsync();
        await aliceOnFirstLive.DisposeAsync();
        await aliceOnSecondLive.DisposeAsync();
        var last = await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.Status == "offline");
        Assert.NotNull(last.LastSeenAt);
        Assert.Equal("offline", (await bobLive.SubscribePresenceAsync([aliceLogin.AccountId]).DefaultTimeout()).Single().Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Typing_on_one_node_reaches_the_other_members_on_the_other(bool overRabbitMq)
    {
        var (first, second, _) = await StartClusterAsync(overRabbitMq);
        await using var _first = first;
        await using var _second = second;
        using var direct = await DirectChatAcrossAsync(first, second);
        var (alice, bob, chat) = (direct.Alice, direct.Bob, direct.Conversation);
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var bobLive = await bob.ConnectLiveAsync();
        await WaitUntilWatchedAsync(second);

        await aliceLive.TypingAsync(chat.Id).DefaultTimeout();

        var typing = await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Typing);
        Assert.Equal(chat.Id, typing.ConversationId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_users_of_a_node_whose_heartbeat_stopped_go_offline_once_it_is_declared_dead(bool overRabbitMq)
    {
        var time = new ManualTimeProvider();
        var (first, second, _) = await StartClusterAsync(overRabbitMq, time);
        await using var _first = first;
        await using var _second = second;
        using var direct = await DirectChatAcrossAsync(first, second);
        var (aliceLogin, bob) = (direct.AliceLogin, direct.Bob);

        // Alice is online on a third node, which then stops beating (it was killed).
        var store = first.Services.GetRequiredService<IRoostStore>();
        var diedAt = time.GetUtcNow();
        await store.Nodes.RegisterAsync(new NodeRecord("killed", "http://127.0.0.1:1", diedAt, diedAt, 1, 1), CancellationToken.None).DefaultTimeout();
        await store.Nodes.SetOnlineAsync("killed", [aliceLogin.AccountId], [], diedAt, CancellationToken.None).DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();
        Assert.Equal("online", (await bobLive.SubscribePresenceAsync([aliceLogin.AccountId]).DefaultTimeout()).Single().Status);

        // Past the dead time (20 s by default) the next heartbeat's sweep declares it dead.
        time.Advance(TimeSpan.FromSeconds(26));

        var offline = await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.Status == "offline");
        Assert.Equal(diedAt, offline.LastSeenAt);
        var killed = (await store.Nodes.ListAsync(CancellationToken.None).DefaultTimeout()).Single(n => n.NodeId == "killed");
        Assert.Equal(NodeEnd.Dead, killed.Ended);
    }

    /// <summary>Alice registered on the first node, Bob logged in on the second, and a direct chat between them.</summary>
    private static async Task<DirectChat> DirectChatAcrossAsync(RoostInstance first, RoostInstance second)
    {
        var (alice, _, aliceLogin) = await first.RegisterAndLoginAsync();
        var bobName = (await first.RegisterUsersAsync(1))[0];
        var (bob, _) = await second.LoginAsync(bobName);
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        return new DirectChat(alice, aliceLogin, bob, conversation);
    }

    private sealed record DirectChat(Roost.Client.RoostClient Alice, Roost.Protocol.Rest.LoginResponse AliceLogin, Roost.Client.RoostClient Bob, Roost.Protocol.Rest.ConversationResponse Conversation) : IDisposable
    {
        public void Dispose()
        {
            Alice.Dispose();
            Bob.Dispose();
        }
    }

    /// <summary>Over RabbitMQ a node's bindings take effect asynchronously: waits until the node's bus has bound what it watches.</summary>
    private static async Task WaitUntilWatchedAsync(RoostInstance node)
    {
        if (node.Services.GetRequiredService<IEventBus>() is not RabbitMqEventBus bus)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!bus.IsSettled)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static Task<(RoostInstance First, RoostInstance Second, Core.Delivery.InProcessBusHub? Bus)> StartClusterAsync(bool overRabbitMq, TimeProvider? time = null)
    {
        if (!TestEngine.IsPostgres)
        {
            Assert.Skip("A cluster shares a PostgreSQL database: this runs in the postgres pass.");
        }

        return RoostInstance.StartClusterAsync(overRabbitMq: overRabbitMq, time: time);
    }

    private static async Task SendAllAsync(Roost.Client.Realtime.RoostConnection live, long conversationId, string prefix)
    {
        for (var i = 0; i < MessagesPerSender; i++)
        {
            await live.SendMessageAsync(conversationId, $"{prefix}{i}", clientId: $"{prefix}-{i}").DefaultTimeout();
        }
    }
}
