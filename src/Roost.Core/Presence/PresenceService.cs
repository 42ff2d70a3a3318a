using Microsoft.Extensions.Logging;
using Roost.Core.Cluster;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Storage;
using Roost.Protocol.Rest;

namespace Roost.Core.Presence;

/// <summary>
/// Online and offline, with last seen, for users who share a conversation. A connection subscribes to the accounts
/// whose chat it shows and is pushed their changes; nothing is broadcast to contacts. The contact list reads the
/// presence of every contact once, over REST. A user who hides presence is shown as <c>hidden</c> and pushes nothing.
/// </summary>
public sealed partial class PresenceService
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Hidden = "hidden";

    /// <summary>The most accounts one connection's subscription may hold.</summary>
    public const int MaxSubscribed = 100;

    private readonly IRoostStore _store;
    private readonly EventRouter _router;
    private readonly IPresenceWatchers _watchers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodeContext _node;
    private readonly OnlineRows? _rows;

    public PresenceService(
        IRoostStore store, EventRouter router, IPresenceWatchers watchers, TimeProvider time, ILogger<PresenceService> logger, NodeContext? node = null, OnlineRows? rows = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        _store = store;
        _router = router;
        _watchers = watchers;
        _time = time;
        _logger = logger;
        _node = node ?? NodeContext.Alone();
        _rows = rows;
        router.OnlineChanged += OnOnlineChanged;
    }

    /// <summary>The presence of everyone who shares a conversation with <paramref name="accountId"/>.</summary>
    public async Task<IReadOnlyList<PresenceResponse>> GetContactsPresenceAsync(long accountId, CancellationToken cancellationToken)
    {
        var contacts = await _store.Conversations.GetContactsAsync(accountId, cancellationToken);
        var records = await _store.Presence.GetAsync(contacts, cancellationToken);
        var elsewhere = await OnlineOnSomeNodeAsync(contacts, cancellationToken);
        return [.. records.Select(r => PresenceFrames.Describe(r.AccountId, r.Hidden, _router.IsConnectedHere(r.AccountId) || elsewhere.Contains(r.AccountId), r.LastSeenAt))];
    }

    public async Task SetHiddenAsync(long accountId, bool hidden, CancellationToken cancellationToken)
    {
        await _store.Presence.SetHiddenAsync(accountId, hidden, cancellationToken);
        _watchers.HiddenChanged(accountId, hidden);
        if (_node.Clustered)
        {
            _router.PublishPresenceChanged(accountId);
        }
    }

    /// <summary>
    /// Replaces what the subscription watches with <paramref name="accountIds"/> and queues the answer (a
    /// <c>presence.subscribed</c> frame) on its connection. Accounts that share no current conversation with the
    /// subscriber, and the subscriber itself, are answered hidden and not watched. A refused subscribe changes nothing.
    /// The caller must call this before awaiting anything else for the frame, so subscribes apply in the order sent.
    /// </summary>
    public async Task<Outcome<Done>> SubscribeAsync(PresenceSubscription subscription, string? reference, IReadOnlyList<long> accountIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(accountIds);

        // Taken before the first await, so it follows the order in which the connection read its frames.
        var generation = subscription.NextGeneration();
        if (accountIds.Count > MaxSubscribed)
        {
            return RoostError.Validation("accountIds", $"A presence subscription holds at most {MaxSubscribed} accounts; this one has {accountIds.Count}.");
        }

        var requested = accountIds.Distinct().ToList();
        IReadOnlyList<long> contacts = requested.Count == 0
            ? []
            : await _store.Conversations.GetContactsAmongAsync(subscription.Subscriber.AccountId, requested, cancellationToken);
        _watchers.Replace(subscription, generation, contacts);

        // Read once the watch is in place: a change from now on is in what is read, or reaches the watch, or both.
        var stamp = _watchers.BeginRead();
        IReadOnlyList<PresenceRecord> records = contacts.Count == 0 ? [] : await _store.Presence.GetAsync(contacts, cancellationToken);
        var elsewhere = await OnlineOnSomeNodeAsync(contacts, cancellationToken);
        _watchers.Answer(subscription, generation, reference, requested, records, elsewhere, stamp);
        return Done.Value;
    }

    /// <summary>Ends the subscription with its connection.</summary>
    public void Unsubscribe(PresenceSubscription subscription) => _watchers.Close(subscription);

    private static readonly IReadOnlySet<long> NoneElsewhere = new HashSet<long>();

    /// <summary>In a cluster, the accounts the store shows online on some node; alone, this node's memory says it all.</summary>
    private async Task<IReadOnlySet<long>> OnlineOnSomeNodeAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken) =>
        _node.Clustered && accountIds.Count > 0 ? await _store.Nodes.OnlineAmongAsync(accountIds, cancellationToken) : NoneElsewhere;

    /// <summary>
    /// On the router's thread, for the first connection and the last: in memory, one lookup plus one frame per
    /// watcher. The last-seen time is written when the last connection closes (one queued write, not awaited). In a
    /// cluster the account's row for this node is written too, and once it is, every node watching is hinted.
    /// </summary>
    private void OnOnlineChanged(long accountId, bool online)
    {
        if (_node.Clustered && _rows is not null)
        {
            // The row (and last seen) is written by one loop, with the state the account has when it is written.
            _rows.Mark(accountId);
            _watchers.OnlineChanged(accountId, online ? null : _time.GetUtcNow());
            return;
        }

        if (online)
        {
            _watchers.OnlineChanged(accountId, null);
            return;
        }

        // Queued before watchers hear of it, so a write of theirs made after the frame is committed after this one.
        var now = _time.GetUtcNow();
        _ = WriteLastSeenAsync(accountId, now);
        _watchers.OnlineChanged(accountId, now);
    }

    private async Task WriteLastSeenAsync(long accountId, DateTimeOffset lastSeenAt)
    {
        try
        {
            await _store.Presence.SetLastSeenAsync(accountId, lastSeenAt, CancellationToken.None);
        }
#pragma warning disable CA1031 // Last seen is best effort: a failure is logged and the next disconnect writes it again.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.LastSeenFailed(_logger, exception, accountId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Writing the last-seen time of account {AccountId} failed")]
        public static partial void LastSeenFailed(ILogger logger, Exception exception, long accountId);
    }
}
