using Roost.Core.Delivery;

namespace Roost.Delivery.Specification.Tests;

/// <summary>
/// What every bus must do, written once (the pattern of ASP.NET Core's ScaleoutHubLifetimeManagerTests): several
/// routers, each a node, on one bus. A bus implementation derives from this class and says how to make its nodes and
/// how long a message may take to cross.
/// </summary>
public abstract class EventBusSpecification : IAsyncLifetime
{
    private readonly List<IEventBus> _buses = [];

    /// <summary>A new node's bus, joined to the same bus as every other one this test made.</summary>
    protected abstract IEventBus CreateBus();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_committed_event_reaches_the_recipients_connections_on_every_node_once_with_its_previous_cursor()
    {
        var (writer, reader, third) = (await NodeAsync(), await NodeAsync(), await NodeAsync());
        var alicePhone = new RecordingSubscriber(1, 10);
        var aliceLaptop = new RecordingSubscriber(1, 11);
        var bob = new RecordingSubscriber(2, 20);
        writer.Subscribe(alicePhone);
        reader.Subscribe(aliceLaptop);
        third.Subscribe(bob);
        await SettledAsync(reader, third);

        writer.OnCommitted([new CommittedEvent(7, [1, 2], "{\"e\":7}"u8.ToArray()) { PreviousCursors = [3, 5] }]);

        await Until(() => aliceLaptop.Frames.Count == 1 && bob.Frames.Count == 1);
        Assert.Equal([new Received(7, 3, "{\"e\":7}")], alicePhone.Received);
        Assert.Equal([new Received(7, 3, "{\"e\":7}")], aliceLaptop.Received);
        Assert.Equal([new Received(7, 5, "{\"e\":7}")], bob.Received);
    }

    [Fact]
    public async Task A_node_receives_only_accounts_connected_to_it_and_never_its_own_messages()
    {
        var (writer, other) = (await NodeAsync(), await NodeAsync());
        var alice = new RecordingSubscriber(1, 10);
        var carol = new RecordingSubscriber(3, 30);
        writer.Subscribe(alice);
        other.Subscribe(carol);
        await SettledAsync(other);

        // Account 2 is connected nowhere; account 1 only on the writer, which delivers it itself.
        writer.OnCommitted([new CommittedEvent(8, [1, 2], "{}"u8.ToArray()) { PreviousCursors = [0, 0] }]);
        writer.OnCommitted([new CommittedEvent(9, [3], "{}"u8.ToArray()) { PreviousCursors = [0] }]);

        await Until(() => carol.Frames.Count == 1);
        Assert.Equal([8L], alice.Frames.Select(f => f.Cursor));
        Assert.Equal([9L], carol.Frames.Select(f => f.Cursor));
    }

    [Fact]
    public async Task Typing_crosses_to_the_other_members_on_any_node()
    {
        var (typist, watcher) = (await NodeAsync(), await NodeAsync());
        var alice = new RecordingSubscriber(1, 10);
        var bob = new RecordingSubscriber(2, 20);
        typist.Subscribe(alice);
        watcher.Subscribe(bob);
        await SettledAsync(watcher);

        typist.SendEphemeral([1, 2], "{\"type\":\"typing\"}"u8.ToArray(), exceptAccountId: 1);

        await Until(() => bob.Frames.Count == 1);
        Assert.Equal([new Received(0, OutboundFrame.Unchained, "{\"type\":\"typing\"}")], bob.Received);
        Assert.Empty(alice.Frames);
    }

    [Fact]
    public async Task Closing_connections_reaches_the_right_devices_on_every_node()
    {
        var (closer, far) = (await NodeAsync(), await NodeAsync());
        var phone = new RecordingSubscriber(1, 10);
        var laptop = new RecordingSubscriber(1, 11);
        var tablet = new RecordingSubscriber(1, 12);
        var otherAccount = new RecordingSubscriber(2, 20);
        closer.Subscribe(phone);
        far.Subscribe(laptop);
        far.Subscribe(tablet);
        far.Subscribe(otherAccount);
        await SettledAsync(far);

        // A password change on the phone: every other device of the account closes, wherever it is.
        closer.CloseConnections(1, deviceId: null, exceptDeviceId: 10);
        await Until(() => laptop.Disconnects.Count == 1 && tablet.Disconnects.Count == 1);

        // Then the tablet alone is revoked: only it is told again.
        closer.CloseConnections(1, deviceId: 12);
        await Until(() => tablet.Disconnects.Count == 2);

        Assert.Empty(phone.Disconnects);
        Assert.Equal([DisconnectReason.SessionRevoked], laptop.Disconnects);
        Assert.Empty(otherAccount.Disconnects);
    }

    [Fact]
    public async Task A_presence_change_reaches_the_nodes_that_watch_it_only()
    {
        var (changer, watching, notWatching) = (await NodeAsync(), await NodeAsync(), await NodeAsync());
        var hints = new List<long?>();
        var stray = new List<long?>();
        watching.PresenceHinted += id =>
        {
            lock (hints)
            {
                hints.Add(id);
            }
        };
        notWatching.PresenceHinted += stray.Add;
        watching.Bus.Watch(BusTopic.PresenceOf(1));
        await SettledAsync(watching);
        hints.Clear();

        changer.PublishPresenceChanged(1);
        changer.PublishPresenceChanged(2);

        await Until(() =>
        {
            lock (hints)
            {
                return hints.Contains(1);
            }
        });
        Assert.DoesNotContain(2L, hints);
        Assert.Empty(stray);
    }

    [Fact]
    public async Task After_the_last_connection_leaves_a_node_it_receives_nothing_more_for_the_account()
    {
        var (writer, other) = (await NodeAsync(), await NodeAsync());
        var leaving = new RecordingSubscriber(1, 10);
        var staying = new RecordingSubscriber(2, 20);
        other.Subscribe(leaving);
        other.Subscribe(staying);
        await SettledAsync(other);
        other.Unsubscribe(leaving);

        // Account 2's event is sent after account 1's: once it arrived, account 1's would have too.
        writer.OnCommitted([new CommittedEvent(5, [1], "{}"u8.ToArray()) { PreviousCursors = [0] }]);
        writer.OnCommitted([new CommittedEvent(6, [2], "{}"u8.ToArray()) { PreviousCursors = [0] }]);

        await Until(() => staying.Frames.Count == 1);
        Assert.Empty(leaving.Frames);
    }

    /// <summary>Waits until what the nodes watch is in effect (a broker confirms bindings asynchronously). Bounded.</summary>
    protected virtual Task SettledAsync(params EventRouter[] nodes) => Task.CompletedTask;

    /// <summary>Waits (bounded, never by sleeping a fixed time) until <paramref name="condition"/> holds.</summary>
    protected static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private async Task<EventRouter> NodeAsync()
    {
        var bus = CreateBus();
        _buses.Add(bus);
        var router = new EventRouter(bus);
        await bus.StartAsync(router, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return router;
    }
}
