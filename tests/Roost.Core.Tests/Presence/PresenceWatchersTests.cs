using System.Text.Json;
using Roost.Core.Delivery;
using Roost.Core.Presence;
using Roost.Protocol;
using Roost.Protocol.Realtime;

namespace Roost.Core.Tests.Presence;

public sealed class PresenceWatchersTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 21, 17, 0, 0, TimeSpan.Zero);

    private readonly EventRouter _router = new();
    private readonly PresenceWatchers _watchers;

    public PresenceWatchersTests() => _watchers = new PresenceWatchers(_router);

    [Fact]
    public void A_change_reaches_the_watchers_of_that_account_only_one_frame_each()
    {
        var (alice, _) = Watching(1, [10]);
        var (carol, _) = Watching(3, [30]);
        var bob = new RecordingSubscriber(10);

        _router.Subscribe(bob);
        _watchers.OnlineChanged(10, null);
        _router.Unsubscribe(bob);
        _watchers.OnlineChanged(10, Seen);

        Assert.Equal([("presence", 10L, "online", (DateTimeOffset?)null), ("presence", 10L, "offline", Seen)], alice.Presence());
        Assert.Empty(carol.Presence());
        Assert.Equal(1, _watchers.WatcherCount(10));
    }

    [Fact]
    public void The_answer_carries_each_account_asked_for_and_hides_those_not_visible()
    {
        var alice = new RecordingSubscriber(1);
        var subscription = new PresenceSubscription(alice);
        _router.Subscribe(new RecordingSubscriber(10));
        var generation = subscription.NextGeneration();
        _watchers.Replace(subscription, generation, [10, 20]);

        _watchers.Answer(subscription, generation, "p1", [10, 20, 99], [new PresenceRecord(10, Seen, false), new PresenceRecord(20, Seen, false)]);

        var answer = alice.Parsed().Single();
        Assert.Equal((ServerFrameTypes.PresenceSubscribed, "p1"), (answer.Type, answer.Ref));
        Assert.Equal(
            [(10L, "online", (DateTimeOffset?)null), (20L, "offline", Seen), (99L, "hidden", null)],
            answer.Presence!.Select(p => (p.AccountId, p.Status, p.LastSeenAt)));
    }

    [Fact]
    public void A_hidden_account_pushes_nothing_when_it_comes_and_goes_and_shows_its_state_when_shown()
    {
        var (alice, _) = Watching(1, [10], new PresenceRecord(10, null, Hidden: true));
        var bob = new RecordingSubscriber(10);

        _router.Subscribe(bob);
        _watchers.OnlineChanged(10, null);
        var whileHidden = alice.Presence();
        _watchers.HiddenChanged(10, false);

        Assert.Empty(whileHidden);
        Assert.Equal([("presence", 10L, "online", (DateTimeOffset?)null)], alice.Presence());
    }

    [Fact]
    public void A_change_that_arrives_while_the_store_is_read_wins_over_the_older_record()
    {
        var alice = new RecordingSubscriber(1);
        var subscription = new PresenceSubscription(alice);
        var generation = subscription.NextGeneration();
        _watchers.Replace(subscription, generation, [10]);

        // Hidden after the watch began but before the store read came back with the older value.
        _watchers.HiddenChanged(10, true);
        _watchers.Answer(subscription, generation, null, [10], [new PresenceRecord(10, null, Hidden: false)]);
        _router.Subscribe(new RecordingSubscriber(10));
        _watchers.OnlineChanged(10, null);

        // The push of the change, then the answer: both hidden, and coming online while hidden pushes nothing.
        Assert.Equal(["presence:hidden", "presence.subscribed:hidden"], alice.Parsed().Select(f => $"{f.Type}:{f.Status ?? f.Presence!.Single().Status}"));
    }

    [Fact]
    public void An_older_subscribe_that_finishes_last_does_not_replace_a_newer_one()
    {
        var alice = new RecordingSubscriber(1);
        var subscription = new PresenceSubscription(alice);
        var older = subscription.NextGeneration();
        var newer = subscription.NextGeneration();

        _watchers.Replace(subscription, newer, [20]);
        _watchers.Replace(subscription, older, [10]);

        Assert.Equal((0, 1), (_watchers.WatcherCount(10), _watchers.WatcherCount(20)));
    }

    [Fact]
    public void Replacing_and_closing_leave_no_entry_behind_and_a_closed_subscription_stays_closed()
    {
        var (_, subscription) = Watching(1, [10, 20]);

        _watchers.Replace(subscription, subscription.NextGeneration(), [20, 30]);
        var afterReplace = (_watchers.WatcherCount(10), _watchers.WatcherCount(20), _watchers.WatcherCount(30));
        _watchers.Close(subscription);
        _watchers.Replace(subscription, subscription.NextGeneration(), [40]);

        Assert.Equal((0, 1, 1), afterReplace);
        Assert.Equal((0, 0, 0), (_watchers.WatcherCount(20), _watchers.WatcherCount(30), _watchers.WatcherCount(40)));
    }

    [Fact]
    public void A_watcher_whose_outbox_is_full_is_disconnected_and_the_others_still_get_the_change()
    {
        var (slow, _) = Watching(1, [10]);
        var (fast, _) = Watching(2, [10]);
        slow.Capacity = slow.Frames.Count;

        _watchers.OnlineChanged(10, Seen);

        Assert.Equal([DisconnectReason.Overflow], slow.Disconnects);
        Assert.Single(fast.Presence());
    }

    [Fact]
    public void A_store_read_after_a_change_on_another_node_pushes_what_changed_once_and_an_older_read_never_undoes_a_newer_one()
    {
        var (alice, _) = Watching(1, [10]);
        var older = _watchers.BeginRead();
        var newer = _watchers.BeginRead();

        // Bob came online on another node; the same read delivered twice pushes once.
        _watchers.Refresh([new PresenceRecord(10, null, false)], new HashSet<long> { 10 }, newer);
        _watchers.Refresh([new PresenceRecord(10, null, false)], new HashSet<long> { 10 }, newer);

        // A read begun before the newer one, applied after it, is stale: it would show him offline.
        _watchers.Refresh([new PresenceRecord(10, Seen, false)], new HashSet<long>(), older);

        Assert.Equal([("presence", 10L, "online", (DateTimeOffset?)null)], alice.Presence());
    }

    [Fact]
    public void A_later_subscribers_newer_read_reaches_the_watchers_already_there()
    {
        var (alice, _) = Watching(1, [10]);
        var stale = _watchers.BeginRead();

        // Carol subscribes later; her read shows Bob online on another node, and overtakes a read begun before it.
        var carol = new RecordingSubscriber(3);
        var subscription = new PresenceSubscription(carol);
        var generation = subscription.NextGeneration();
        _watchers.Replace(subscription, generation, [10]);
        _watchers.Answer(subscription, generation, null, [10], [new PresenceRecord(10, null, false)], new HashSet<long> { 10 }, _watchers.BeginRead());
        _watchers.Refresh([new PresenceRecord(10, Seen, false)], new HashSet<long>(), stale);

        Assert.Equal([("presence", 10L, "online", (DateTimeOffset?)null)], alice.Presence());
    }

    [Fact]
    public void A_read_begun_before_a_local_hide_does_not_show_the_user_again()
    {
        var (alice, _) = Watching(1, [10]);
        var before = _watchers.BeginRead();

        _watchers.HiddenChanged(10, hidden: true);
        _watchers.Refresh([new PresenceRecord(10, Seen, Hidden: false)], new HashSet<long> { 10 }, before);

        Assert.Equal([("presence", 10L, "hidden", (DateTimeOffset?)null)], alice.Presence());
    }

    [Fact]
    public void Online_on_this_node_or_another_is_online_until_both_let_go()
    {
        var (alice, _) = Watching(1, [10]);
        var bob = new RecordingSubscriber(10);

        _router.Subscribe(bob);
        _watchers.OnlineChanged(10, null);
        _watchers.Refresh([new PresenceRecord(10, null, false)], new HashSet<long> { 10 }, _watchers.BeginRead());

        // His connection here closes while the store still shows him on another node: still online, nothing pushed.
        _router.Unsubscribe(bob);
        _watchers.OnlineChanged(10, Seen);
        _watchers.Refresh([new PresenceRecord(10, Seen, false)], new HashSet<long>(), _watchers.BeginRead());

        Assert.Equal([("presence", 10L, "online", (DateTimeOffset?)null), ("presence", 10L, "offline", Seen)], alice.Presence());
    }

    /// <summary>A subscriber watching <paramref name="accountIds"/>, answered from records that show them offline and not hidden.</summary>
    private (RecordingSubscriber Subscriber, PresenceSubscription Subscription) Watching(long accountId, long[] accountIds, PresenceRecord? record = null)
    {
        var subscriber = new RecordingSubscriber(accountId);
        var subscription = new PresenceSubscription(subscriber);
        var generation = subscription.NextGeneration();
        _watchers.Replace(subscription, generation, accountIds);
        _watchers.Answer(subscription, generation, null, accountIds, [.. accountIds.Select(id => record ?? new PresenceRecord(id, null, false))]);
        return (subscriber, subscription);
    }

    private sealed class RecordingSubscriber(long accountId) : ISubscriber
    {
        public int Capacity { get; set; } = int.MaxValue;

        public List<OutboundFrame> Frames { get; } = [];

        public List<DisconnectReason> Disconnects { get; } = [];

        public long AccountId => accountId;

        public long DeviceId => accountId * 10;

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

        public List<ServerFrame> Parsed() => [.. Frames.Select(f => JsonSerializer.Deserialize(f.Bytes.Span, RoostJsonContext.Default.ServerFrame)!)];

        /// <summary>The pushed presence changes (not the answers).</summary>
        public List<(string?, long, string?, DateTimeOffset?)> Presence() =>
            [.. Parsed().Where(f => f.Type == ServerFrameTypes.Presence).Select(f => (f.Type, f.AccountId!.Value, f.Status, f.LastSeenAt))];
    }
}
