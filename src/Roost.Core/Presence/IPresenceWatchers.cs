namespace Roost.Core.Presence;

/// <summary>
/// Who on this node watches whose presence, and the delivery of changes to them. Changes made here arrive at once;
/// changes made on other nodes arrive as hints, read from the store (<see cref="Refresh"/>): online on any node is online.
/// Every method is quick and in memory; none reads the store.
/// </summary>
public interface IPresenceWatchers
{
    /// <summary>
    /// Makes <paramref name="subscription"/> watch exactly <paramref name="accountIds"/> (authorized, distinct and
    /// bounded by the caller). Ignored when a later <paramref name="generation"/> has already been applied, or the
    /// subscription is closed.
    /// </summary>
    void Replace(PresenceSubscription subscription, long generation, IReadOnlyList<long> accountIds);

    /// <summary>
    /// Queues the answer to a subscribe on the subscriber: the presence of each of <paramref name="requested"/>, in
    /// order; those without a record in <paramref name="visible"/> are shown hidden. Queued in order with the changes
    /// pushed to the same subscriber, so the last frame it gets about an account is the current state.
    /// </summary>
    /// <param name="onlineOnSomeNode">Of those, the accounts the store shows online on some node (a cluster's; null alone).</param>
    /// <param name="readStamp">From <see cref="BeginRead"/> before the store read.</param>
    void Answer(
        PresenceSubscription subscription,
        long generation,
        string? reference,
        IReadOnlyList<long> requested,
        IReadOnlyList<PresenceRecord> visible,
        IReadOnlySet<long>? onlineOnSomeNode = null,
        long readStamp = 0);

    /// <summary>Taken before a store read of presence: a read is applied only when nothing newer has been.</summary>
    long BeginRead();

    /// <summary>Drops the subscription for good (its connection ended); later replaces are ignored.</summary>
    void Close(PresenceSubscription subscription);

    /// <summary>The account's first connection opened or its last closed (<paramref name="wentOfflineAt"/> set then).</summary>
    void OnlineChanged(long accountId, DateTimeOffset? wentOfflineAt);

    /// <summary>The account hid or showed its presence (already stored).</summary>
    void HiddenChanged(long accountId, bool hidden);

    /// <summary>Those of <paramref name="accountIds"/> watched on this node (every watched account, when null).</summary>
    IReadOnlyList<long> WatchedAmong(IReadOnlyCollection<long>? accountIds);

    /// <summary>
    /// Takes the presence read from the store after a hint (a change on some node) and pushes what changed to the
    /// watchers. <paramref name="onlineOnSomeNode"/>: those of the records' accounts online on some node.
    /// </summary>
    void Refresh(IReadOnlyList<PresenceRecord> records, IReadOnlySet<long> onlineOnSomeNode, long readStamp);
}
