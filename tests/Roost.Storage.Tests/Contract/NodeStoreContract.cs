using Roost.Core.Cluster;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's node registry must do: nodes, heartbeats, online accounts, and the sweep of dead nodes.</summary>
public abstract class NodeStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task A_registered_node_is_listed_with_its_heartbeat_and_counts()
    {
        await Store.Nodes.RegisterAsync(Node("n1", Now), None).DefaultTimeout();
        Assert.True(await Store.Nodes.BeatAsync("n1", Now.AddSeconds(5), connections: 12, accounts: 9, None).DefaultTimeout());

        var listed = Assert.Single(await Store.Nodes.ListAsync(None).DefaultTimeout());

        Assert.Equal(new NodeRecord("n1", "http://10.0.0.1:8080", Now, Now.AddSeconds(5), 12, 9), listed);
    }

    [Fact]
    public async Task Online_on_any_node_is_online_until_the_last_node_lets_go()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        await Store.Nodes.RegisterAsync(Node("n1", Now), None).DefaultTimeout();
        await Store.Nodes.RegisterAsync(Node("n2", Now), None).DefaultTimeout();

        await SetOnlineAsync("n1", ids[0], true).DefaultTimeout();
        await SetOnlineAsync("n2", ids[0], true).DefaultTimeout();
        await SetOnlineAsync("n2", ids[0], true).DefaultTimeout();
        Assert.Equal([ids[0]], await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout());

        await SetOnlineAsync("n1", ids[0], false).DefaultTimeout();
        Assert.Equal([ids[0]], await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout());

        await SetOnlineAsync("n2", ids[0], false).DefaultTimeout();
        Assert.Empty(await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout());
        Assert.Empty(await Store.Nodes.OnlineAmongAsync([], None).DefaultTimeout());
    }

    [Fact]
    public async Task Many_accounts_go_online_and_offline_in_one_write_and_those_going_offline_get_their_last_seen()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        await Store.Nodes.RegisterAsync(Node("n1", Now), None).DefaultTimeout();
        await Store.Nodes.SetOnlineAsync("n1", [ids[0], ids[1], StoreFixtures.NoSuchId], [], Now, None).DefaultTimeout();
        Assert.Equal([ids[0], ids[1]], (await Store.Nodes.OnlineOnAsync("n1", None).DefaultTimeout()).Order());

        await Store.Nodes.SetOnlineAsync("n1", [ids[2]], [ids[0]], Now.AddMinutes(1), None).DefaultTimeout();

        Assert.Equal([ids[1], ids[2]], (await Store.Nodes.OnlineOnAsync("n1", None).DefaultTimeout()).Order());
        Assert.Empty(await Store.Nodes.OnlineOnAsync("n2", None).DefaultTimeout());
        Assert.Equal(Now.AddMinutes(1), (await Store.Presence.GetAsync([ids[0]], None).DefaultTimeout())[0].LastSeenAt);
    }

    [Fact]
    public async Task The_rows_say_which_devices_are_connected_to_which_node()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        await Store.Nodes.RegisterAsync(Node("n1", Now), None).DefaultTimeout();
        await Store.Nodes.RegisterAsync(Node("n2", Now), None).DefaultTimeout();
        await Store.Nodes.SetOnlineAsync("n1", [ids[0], ids[1]], [], Now, None, new Dictionary<long, long[]> { [ids[0]] = [11, 12], [ids[1]] = [] }).DefaultTimeout();

        Assert.True(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 12, "n2", None).DefaultTimeout());
        Assert.False(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 12, "n1", None).DefaultTimeout());
        Assert.False(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 1, "n2", None).DefaultTimeout());
        Assert.False(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[1], 11, "n2", None).DefaultTimeout());

        // A device leaving while another stays, then the account going offline.
        await Store.Nodes.SetOnlineAsync("n1", [ids[0]], [], Now, None, new Dictionary<long, long[]> { [ids[0]] = [11] }).DefaultTimeout();
        Assert.False(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 12, "n2", None).DefaultTimeout());
        Assert.True(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 11, "n2", None).DefaultTimeout());
        await Store.Nodes.SetOnlineAsync("n1", [], [ids[0]], Now, None).DefaultTimeout();
        Assert.False(await Store.Nodes.IsDeviceOnlineElsewhereAsync(ids[0], 11, "n2", None).DefaultTimeout());
    }

    [Fact]
    public async Task A_node_whose_heartbeat_stopped_is_declared_dead_once_and_its_accounts_go_offline_last_seen_at_its_heartbeat()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        await Store.Nodes.RegisterAsync(Node("dying", Now), None).DefaultTimeout();
        await Store.Nodes.RegisterAsync(Node("living", Now), None).DefaultTimeout();
        await SetOnlineAsync("dying", ids[0], true).DefaultTimeout();
        await SetOnlineAsync("dying", ids[1], true).DefaultTimeout();
        await SetOnlineAsync("living", ids[1], true).DefaultTimeout();
        await SetOnlineAsync("living", ids[2], true).DefaultTimeout();
        await Store.Nodes.BeatAsync("dying", Now.AddSeconds(10), 2, 2, None).DefaultTimeout();
        await Store.Nodes.BeatAsync("living", Now.AddSeconds(40), 2, 2, None).DefaultTimeout();

        var cleared = await Store.Nodes.SweepAsync(heartbeatBefore: Now.AddSeconds(30), endedBefore: Now.AddDays(-7), None).DefaultTimeout();

        Assert.Equal([ids[0], ids[1]], cleared.Order());
        Assert.Empty(await Store.Nodes.SweepAsync(Now.AddSeconds(30), Now.AddDays(-7), None).DefaultTimeout());
        Assert.Equal([ids[1], ids[2]], (await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout()).Order());
        var dead = (await Store.Nodes.ListAsync(None).DefaultTimeout()).Single(n => n.NodeId == "dying");
        Assert.Equal((NodeEnd.Dead, Now.AddSeconds(10)), (dead.Ended, dead.EndedAt));
        Assert.Equal(Now.AddSeconds(10), (await Store.Presence.GetAsync([ids[0]], None).DefaultTimeout())[0].LastSeenAt);

        // A dead node that still beats (it was only cut off) learns it must register again; it cannot mark anyone online meanwhile.
        Assert.False(await Store.Nodes.BeatAsync("dying", Now.AddSeconds(50), 1, 1, None).DefaultTimeout());
        await SetOnlineAsync("dying", ids[0], true).DefaultTimeout();
        Assert.DoesNotContain(ids[0], await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_stopped_node_lets_its_accounts_go_and_a_node_starting_under_its_name_starts_over()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        await Store.Nodes.RegisterAsync(Node("n1", Now), None).DefaultTimeout();
        await SetOnlineAsync("n1", ids[0], true).DefaultTimeout();

        Assert.Equal([ids[0]], await Store.Nodes.StopAsync("n1", Now.AddMinutes(1), None).DefaultTimeout());
        Assert.Equal(Now.AddMinutes(1), (await Store.Presence.GetAsync([ids[0]], None).DefaultTimeout())[0].LastSeenAt);
        var stopped = Assert.Single(await Store.Nodes.ListAsync(None).DefaultTimeout());
        Assert.Equal((NodeEnd.Stopped, Now.AddMinutes(1)), (stopped.Ended, stopped.EndedAt));
        Assert.Empty(await Store.Nodes.OnlineAmongAsync(ids, None).DefaultTimeout());

        // Crashed with accounts online, then started again under the same name before anyone swept it.
        await Store.Nodes.RegisterAsync(Node("n1", Now.AddMinutes(2)), None).DefaultTimeout();
        await SetOnlineAsync("n1", ids[1], true).DefaultTimeout();
        await Store.Nodes.BeatAsync("n1", Now.AddMinutes(2.5), 1, 1, None).DefaultTimeout();
        Assert.Equal([ids[1]], await Store.Nodes.RegisterAsync(Node("n1", Now.AddMinutes(3)), None).DefaultTimeout());
        Assert.Equal(Now.AddMinutes(2.5), (await Store.Presence.GetAsync([ids[1]], None).DefaultTimeout())[0].LastSeenAt);
        var restarted = Assert.Single(await Store.Nodes.ListAsync(None).DefaultTimeout());
        Assert.Equal(new NodeRecord("n1", "http://10.0.0.1:8080", Now.AddMinutes(3), Now.AddMinutes(3), 0, 0), restarted);
    }

    [Fact]
    public async Task Ended_nodes_are_pruned_after_the_kept_time_and_a_deleted_account_leaves_no_online_row()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.Nodes.RegisterAsync(Node("old", Now), None).DefaultTimeout();
        await Store.Nodes.StopAsync("old", Now, None).DefaultTimeout();
        await Store.Nodes.RegisterAsync(Node("new", Now.AddDays(8)), None).DefaultTimeout();
        await SetOnlineAsync("new", alice.Id, true).DefaultTimeout();

        await Store.Nodes.SweepAsync(heartbeatBefore: Now.AddDays(8).AddSeconds(-30), endedBefore: Now.AddDays(1), None).DefaultTimeout();
        Assert.Equal(["new"], (await Store.Nodes.ListAsync(None).DefaultTimeout()).Select(n => n.NodeId));

        await Store.Accounts.DeleteAsync(alice.Id, Now.AddDays(8), None).DefaultTimeout();
        Assert.Empty(await Store.Nodes.OnlineAmongAsync([alice.Id], None).DefaultTimeout());
    }

    /// <summary>One account online or not on one node, in a write of its own.</summary>
    private Task SetOnlineAsync(string nodeId, long accountId, bool online) =>
        Store.Nodes.SetOnlineAsync(nodeId, online ? [accountId] : [], online ? [] : [accountId], Now, None);

    private static NodeRecord Node(string id, DateTimeOffset startedAt) => new(id, "http://10.0.0.1:8080", startedAt, startedAt, 0, 0);
}
