using Microsoft.Extensions.DependencyInjection;
using Roost.Client;
using Roost.Core.Cluster;
using Roost.Core.Storage;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>Two nodes on one database: a device connected to either node gets no push, whichever node sends the queue's jobs.</summary>
public sealed class CrossNodePushTests
{
    [Fact]
    public async Task A_device_connected_to_the_other_node_gets_no_push_and_once_it_leaves_it_does()
    {
        if (!TestEngine.IsPostgres)
        {
            Assert.Skip("A cluster shares a PostgreSQL database: this runs in the postgres pass.");
        }

        await using var receiver = await WebPushReceiver.StartAsync();
        var (first, second, _) = await RoostInstance.StartClusterAsync(PushTestSupport.Settings(("Roost:Push:CoalesceWindow", "00:00:00")));
        await using var firstNode = first;
        await using var secondNode = second;
        using var chat = await first.StartDirectChatAsync();
        using var bobOnSecond = new RoostClient(second.BaseAddress) { AccessToken = chat.Bob.AccessToken };
        using var admins = new DisposableAdmins(first, second);
        await chat.Bob.SubscribeAsync(receiver);
        var bobDevice = chat.BobLogin.DeviceId!.Value;

        await using (var live = await bobOnSecond.ConnectLiveAsync())
        {
            // The first node learns of the connection from the online rows the second writes.
            var store = first.Services.GetRequiredService<IRoostStore>();
            var firstId = first.Services.GetRequiredService<NodeContext>().NodeId;
            using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
            while (!await store.Nodes.IsDeviceOnlineElsewhereAsync(chat.BobLogin.AccountId, bobDevice, firstId, timeout.Token))
            {
                await Task.Delay(20, timeout.Token);
            }

            for (var i = 0; i < 5; i++)
            {
                await chat.Alice.SendMessageAsync(chat.Conversation.Id, $"live {i}").DefaultTimeout();
            }

            await live.ReadMessagesAsync(5);
            await admins.WaitAsync((a, b) => a.Pending + b.Pending == 0 && a.InFlight + b.InFlight == 0 && a.SkippedOnline + b.SkippedOnline >= 1);
            Assert.Empty(receiver.Received);
        }

        // Gone from both nodes: the next message pushes.
        var store2 = first.Services.GetRequiredService<IRoostStore>();
        var firstNodeId = first.Services.GetRequiredService<NodeContext>().NodeId;
        using (var timeout = new CancellationTokenSource(TimeoutExtensions.Limit))
        {
            while (await store2.Nodes.IsDeviceOnlineElsewhereAsync(chat.BobLogin.AccountId, bobDevice, firstNodeId, timeout.Token))
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "are you still there?").DefaultTimeout();
        Assert.Single(await receiver.WaitForAsync(1).DefaultTimeout());
    }

    /// <summary>The admin view of both nodes (the queue is shared; the counts after it are each node's).</summary>
    private sealed class DisposableAdmins(RoostInstance first, RoostInstance second) : IDisposable
    {
        private readonly RoostClient _first = PushTestSupport.Admin(first.BaseAddress);
        private readonly RoostClient _second = PushTestSupport.Admin(second.BaseAddress);

        public async Task WaitAsync(Func<Protocol.Rest.AdminPushResponse, Protocol.Rest.AdminPushResponse, bool> done)
        {
            using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
            while (!done(await _first.GetAdminPushAsync(timeout.Token), await _second.GetAdminPushAsync(timeout.Token)))
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        public void Dispose()
        {
            _first.Dispose();
            _second.Dispose();
        }
    }
}
