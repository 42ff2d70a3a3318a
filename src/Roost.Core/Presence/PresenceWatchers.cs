using Roost.Core.Delivery;
using Roost.Protocol.Rest;

namespace Roost.Core.Presence;

/// <summary>
/// The watcher registry of one node, in memory: account → the subscriptions watching it, with what this node knows of
/// the account's presence (hidden, last seen). A change costs one lookup plus one queued frame per watcher; nothing
/// else. One lock orders changes and answers, so each watcher receives an account's states in the order they happened.
/// Bounded: an entry exists only while watched, and each subscription watches at most
/// <see cref="PresenceService.MaxSubscribed"/> accounts.
/// </summary>
public sealed class PresenceWatchers(EventRouter router) : IPresenceWatchers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Watched> _byAccount = [];
    private long _stamp;

    /// <summary>How many subscriptions watch the account on this node (for tests and diagnostics).</summary>
    public int WatcherCount(long accountId)
    {
        lock (_gate)
        {
            return _byAccount.TryGetValue(accountId, out var watched) ? watched.Watchers.Count : 0;
        }
    }

    public void Replace(PresenceSubscription subscription, long generation, IReadOnlyList<long> accountIds)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(accountIds);
        lock (_gate)
        {
            if (subscription.Closed || generation <= subscription.Applied)
            {
                return;
            }

            subscription.Applied = generation;
            Unwatch(subscription);
            foreach (var accountId in accountIds)
            {
                if (!_byAccount.TryGetValue(accountId, out var watched))
                {
                    watched = new Watched();
                    _byAccount[accountId] = watched;

                    // Under the lock, like the entry: changes made on other nodes come as hints while it is watched here.
                    router.Bus.Watch(BusTopic.PresenceOf(accountId));
                }

                watched.Watchers.Add(subscription);
            }

            subscription.Watching = [.. accountIds];
        }
    }

    public long BeginRead() => Interlocked.Increment(ref _stamp);

    public void Answer(
        PresenceSubscription subscription,
        long generation,
        string? reference,
        IReadOnlyList<long> requested,
        IReadOnlyList<PresenceRecord> visible,
        IReadOnlySet<long>? onlineOnSomeNode = null,
        long readStamp = 0)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(visible);
        var records = visible.ToDictionary(r => r.AccountId);
        onlineOnSomeNode ??= NoneOnline;
        List<ISubscriber>? overflowed = null;
        lock (_gate)
        {
            // The records were read after this generation's watch was in place, so they may fill in what the entry
            // does not know yet; a superseded generation's records may predate the entry and only answer.
            var current = generation == subscription.Applied && !subscription.Closed;
            var presence = new List<PresenceResponse>(requested.Count);
            foreach (var accountId in requested)
            {
                if (!records.TryGetValue(accountId, out var record))
                {
                    presence.Add(PresenceFrames.Describe(accountId, hidden: true, online: false, null));
                }
                else if (_byAccount.TryGetValue(accountId, out var watched) && (watched.HiddenKnown || current))
                {
                    if (current && readStamp >= watched.AppliedStamp)
                    {
                        // Newer than anything applied (a local hide takes a later stamp), so it is the state now.
                        watched.Apply(record, onlineOnSomeNode.Contains(accountId), readStamp);
                        if (watched.Watchers.Count > 1 && Push(accountId, watched) is { } full)
                        {
                            // The other watchers learn it too: a refresh this read overtook will not be applied.
                            (overflowed ??= []).AddRange(full);
                        }
                    }

                    var answered = PresenceFrames.Describe(accountId, watched.Hidden, IsOnline(accountId, watched), Later(watched.LastSeenAt, record.LastSeenAt));
                    if (current && watched.Watchers.Count == 1)
                    {
                        // Its only watcher now knows this state: a hint that confirms it pushes nothing.
                        watched.Pushed = answered;
                    }

                    presence.Add(answered);
                }
                else
                {
                    presence.Add(PresenceFrames.Describe(accountId, record.Hidden, router.IsConnectedHere(accountId) || onlineOnSomeNode.Contains(accountId), record.LastSeenAt));
                }
            }

            if (!subscription.Subscriber.TryEnqueue(new OutboundFrame(0, PresenceFrames.Subscribed(reference, presence))))
            {
                (overflowed ??= []).Add(subscription.Subscriber);
            }
        }

        DisconnectAll(overflowed);
    }

    public void Close(PresenceSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            subscription.Closed = true;
            Unwatch(subscription);
        }
    }

    public void OnlineChanged(long accountId, DateTimeOffset? wentOfflineAt)
    {
        List<ISubscriber>? overflowed;
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(accountId, out var watched))
            {
                return;
            }

            if (wentOfflineAt is { } at)
            {
                watched.LastSeenAt = Later(watched.LastSeenAt, at);
            }

            // Unknown: only subscribes still reading the store watch it, and their answers follow. Hidden: nothing to show.
            if (!watched.HiddenKnown || watched.Hidden)
            {
                return;
            }

            overflowed = Push(accountId, watched);
        }

        DisconnectAll(overflowed);
    }

    public IReadOnlyList<long> WatchedAmong(IReadOnlyCollection<long>? accountIds)
    {
        lock (_gate)
        {
            return accountIds is null ? [.. _byAccount.Keys] : [.. accountIds.Where(_byAccount.ContainsKey)];
        }
    }

    public void Refresh(IReadOnlyList<PresenceRecord> records, IReadOnlySet<long> onlineOnSomeNode, long readStamp)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(onlineOnSomeNode);
        List<ISubscriber>? overflowed = null;
        lock (_gate)
        {
            foreach (var record in records)
            {
                // A read that began before a newer one (or a local change) was applied would go back in time.
                if (!_byAccount.TryGetValue(record.AccountId, out var watched) || readStamp < watched.AppliedStamp)
                {
                    continue;
                }

                watched.Apply(record, onlineOnSomeNode.Contains(record.AccountId), readStamp);
                if (Push(record.AccountId, watched) is { } full)
                {
                    (overflowed ??= []).AddRange(full);
                }
            }
        }

        DisconnectAll(overflowed);
    }

    public void HiddenChanged(long accountId, bool hidden)
    {
        List<ISubscriber>? overflowed;
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(accountId, out var watched))
            {
                return;
            }

            watched.Hidden = hidden;
            watched.HiddenKnown = true;

            // Stored before this call: a store read that began earlier must not undo it.
            watched.AppliedStamp = Interlocked.Increment(ref _stamp);
            overflowed = Push(accountId, watched);
        }

        DisconnectAll(overflowed);
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static void DisconnectAll(List<ISubscriber>? overflowed)
    {
        // Outside the lock: closing a connection is the connection's business, not the registry's.
        foreach (var subscriber in overflowed ?? [])
        {
            subscriber.Disconnect(DisconnectReason.Overflow);
        }
    }

    private static readonly IReadOnlySet<long> NoneOnline = new HashSet<long>();

    /// <summary>Online here (known at once), or on another node (as last read from the store).</summary>
    private bool IsOnline(long accountId, Watched watched) => router.IsConnectedHere(accountId) || watched.OnlineInStore;

    /// <summary>
    /// Queues the account's current state to every watcher (under the lock, so watchers see states in order), unless
    /// it is the state they were last pushed: a hint from the store may confirm what this node already showed.
    /// </summary>
    private List<ISubscriber>? Push(long accountId, Watched watched)
    {
        var presence = PresenceFrames.Describe(accountId, watched.Hidden, IsOnline(accountId, watched), watched.LastSeenAt);
        if (presence == watched.Pushed)
        {
            return null;
        }

        watched.Pushed = presence;
        var bytes = PresenceFrames.Changed(presence);
        var frame = new OutboundFrame(0, bytes);
        List<ISubscriber>? overflowed = null;
        foreach (var subscription in watched.Watchers)
        {
            if (!subscription.Subscriber.TryEnqueue(frame))
            {
                (overflowed ??= []).Add(subscription.Subscriber);
            }
        }

        return overflowed;
    }

    private void Unwatch(PresenceSubscription subscription)
    {
        foreach (var accountId in subscription.Watching)
        {
            if (_byAccount.TryGetValue(accountId, out var watched) && watched.Watchers.Remove(subscription) && watched.Watchers.Count == 0)
            {
                _byAccount.Remove(accountId);
                router.Bus.Unwatch(BusTopic.PresenceOf(accountId));
            }
        }

        subscription.Watching = [];
    }

    /// <summary>A watched account: its watchers, and what this node knows of its presence.</summary>
    private sealed class Watched
    {
        public HashSet<PresenceSubscription> Watchers { get; } = [];

        /// <summary>False until a store read or a change has told this node whether the account hides.</summary>
        public bool HiddenKnown { get; set; }

        public bool Hidden { get; set; }

        public DateTimeOffset? LastSeenAt { get; set; }

        /// <summary>Whether the store showed the account online on some node at the last read (this one included).</summary>
        public bool OnlineInStore { get; set; }

        /// <summary>The stamp of the newest store read (or local change) applied: older reads are not applied.</summary>
        public long AppliedStamp { get; set; }

        /// <summary>The state last pushed to the watchers.</summary>
        public PresenceResponse? Pushed { get; set; }

        /// <summary>Takes a store read that began after everything applied so far.</summary>
        public void Apply(PresenceRecord record, bool onlineInStore, long readStamp)
        {
            Hidden = record.Hidden;
            HiddenKnown = true;
            LastSeenAt = Later(LastSeenAt, record.LastSeenAt);
            OnlineInStore = onlineInStore;
            AppliedStamp = readStamp;
        }
    }
}
