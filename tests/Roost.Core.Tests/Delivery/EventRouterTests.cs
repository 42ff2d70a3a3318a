using Roost.Core.Delivery;

namespace Roost.Core.Tests.Delivery;

public sealed class EventRouterTests
{
    [Fact]
    public void Committed_events_reach_every_live_connection_of_each_recipient_in_order()
    {
        var router = new EventRouter();
        var phone = new RecordingSubscriber(1, 10);
        var laptop = new RecordingSubscriber(1, 11);
        var other = new RecordingSubscriber(2, 20);
        router.Subscribe(phone);
        router.Subscribe(laptop);
        router.Subscribe(other);

        router.OnCommitted([Event(5, 1), Event(6, 1, 2), Event(7, 3)]);

        Assert.Equal([5L, 6L], phone.Cursors);
        Assert.Equal([5L, 6L], laptop.Cursors);
        Assert.Equal([6L], other.Cursors);
    }

    [Fact]
    public void A_full_outbox_disconnects_that_connection_only()
    {
        var router = new EventRouter();
        var slow = new RecordingSubscriber(1, 10) { Capacity = 1 };
        var fast = new RecordingSubscriber(1, 11);
        router.Subscribe(slow);
        router.Subscribe(fast);

        router.OnCommitted([Event(1, 1), Event(2, 1)]);

        Assert.Equal([DisconnectReason.Overflow], slow.Disconnects);
        Assert.Empty(fast.Disconnects);
        Assert.Equal([1L, 2L], fast.Cursors);
    }

    [Fact]
    public void Online_changes_fire_on_the_first_and_last_connection_of_an_account()
    {
        var router = new EventRouter();
        var changes = new List<(long, bool)>();
        router.OnlineChanged += (account, online) => changes.Add((account, online));
        var first = new RecordingSubscriber(1, 10);
        var second = new RecordingSubscriber(1, 11);

        router.Subscribe(first);
        router.Subscribe(second);
        router.Unsubscribe(first);
        Assert.True(router.IsConnectedHere(1));
        router.Unsubscribe(second);
        router.Unsubscribe(second);

        Assert.Equal([(1L, true), (1L, false)], changes);
        Assert.False(router.IsConnectedHere(1));
        Assert.Equal(0, router.ConnectionCount);
    }

    [Fact]
    public void Disconnecting_a_device_or_every_other_device_picks_the_right_connections()
    {
        var router = new EventRouter();
        var phone = new RecordingSubscriber(1, 10);
        var laptop = new RecordingSubscriber(1, 11);
        router.Subscribe(phone);
        router.Subscribe(laptop);

        router.CloseConnections(1, deviceId: null, exceptDeviceId: 10);

        Assert.Empty(phone.Disconnects);
        Assert.Equal([DisconnectReason.SessionRevoked], laptop.Disconnects);
    }

    [Fact]
    public void Ephemeral_frames_skip_the_excepted_account_and_carry_no_cursor()
    {
        var router = new EventRouter();
        var alice = new RecordingSubscriber(1, 10);
        var bob = new RecordingSubscriber(2, 20);
        router.Subscribe(alice);
        router.Subscribe(bob);

        router.SendEphemeral([1, 2], "{}"u8.ToArray(), exceptAccountId: 1);

        Assert.Empty(alice.Frames);
        Assert.Equal(0, Assert.Single(bob.Frames).Cursor);
    }

    private static CommittedEvent Event(long cursor, params long[] recipients) => new(cursor, recipients, "{}"u8.ToArray());

    private sealed class RecordingSubscriber(long accountId, long deviceId) : ISubscriber
    {
        public int Capacity { get; init; } = int.MaxValue;

        public List<OutboundFrame> Frames { get; } = [];

        public List<long> Cursors => Frames.Select(f => f.Cursor).ToList();

        public List<DisconnectReason> Disconnects { get; } = [];

        public long AccountId => accountId;

        public long DeviceId => deviceId;

        public bool TryEnqueue(OutboundFrame frame)
        {
            if (Frames.Count >= Capacity)
            {
                return false;
            }

            Frames.Add(frame);
            return true;
        }

        public int CatchUps { get; private set; }

        public void CatchUp() => CatchUps++;

        public void Disconnect(DisconnectReason reason) => Disconnects.Add(reason);
    }
}
