namespace Roost.Core.Presence;

/// <summary>
/// Who on this node watches whose presence, and the delivery of changes to them. Kept behind this seam because it is
/// what several nodes would replace: changes would also arrive from a bus, and "online" would mean on any node.
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
    void Answer(PresenceSubscription subscription, long generation, string? reference, IReadOnlyList<long> requested, IReadOnlyList<PresenceRecord> visible);

    /// <summary>Drops the subscription for good (its connection ended); later replaces are ignored.</summary>
    void Close(PresenceSubscription subscription);

    /// <summary>The account's first connection opened or its last closed (<paramref name="wentOfflineAt"/> set then).</summary>
    void OnlineChanged(long accountId, DateTimeOffset? wentOfflineAt);

    /// <summary>The account hid or showed its presence (already stored).</summary>
    void HiddenChanged(long accountId, bool hidden);
}
