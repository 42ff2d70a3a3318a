namespace Roost.Core.Cluster;

/// <summary>
/// The node registry and which accounts are online on which node. Rows of a node are cleared when it stops, when it
/// is declared dead, and when a node of the same name starts again.
/// </summary>
public interface INodeStore
{
    /// <summary>Adds (or, for a name used before, starts over) the node; returns the accounts the registry still held online on it.</summary>
    Task<IReadOnlyList<long>> RegisterAsync(NodeRecord node, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat; false when the node was declared dead meanwhile (it must register again).</summary>
    Task<bool> BeatAsync(string nodeId, DateTimeOffset at, int connections, int accounts, CancellationToken cancellationToken);

    /// <summary>
    /// In one write: marks <paramref name="online"/> online on the node (with, from <paramref name="devices"/>, which of
    /// their devices are connected there) and lets <paramref name="offline"/> go from it, setting their last seen to
    /// <paramref name="lastSeenAt"/> (unless a later one is stored).
    /// </summary>
    Task SetOnlineAsync(
        string nodeId,
        IReadOnlyList<long> online,
        IReadOnlyList<long> offline,
        DateTimeOffset lastSeenAt,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<long, long[]>? devices = null);

    /// <summary>Whether the device has a live connection on some node other than <paramref name="exceptNodeId"/>, as the rows say.</summary>
    Task<bool> IsDeviceOnlineElsewhereAsync(long accountId, long deviceId, string exceptNodeId, CancellationToken cancellationToken);

    /// <summary>The accounts the registry holds online on the node.</summary>
    Task<IReadOnlyList<long>> OnlineOnAsync(string nodeId, CancellationToken cancellationToken);

    /// <summary>
    /// Ends every running node whose heartbeat is older than <paramref name="heartbeatBefore"/> (dead), clears its
    /// online rows and sets each such account's last seen to the node's last heartbeat; prunes nodes that ended before
    /// <paramref name="endedBefore"/>. Returns the accounts cleared. Safe to run on every node at once.
    /// </summary>
    Task<IReadOnlyList<long>> SweepAsync(DateTimeOffset heartbeatBefore, DateTimeOffset endedBefore, CancellationToken cancellationToken);

    /// <summary>Ends the node cleanly; returns the accounts it still held online.</summary>
    Task<IReadOnlyList<long>> StopAsync(string nodeId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every node the registry lists, newest start first.</summary>
    Task<IReadOnlyList<NodeRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="accountIds"/> are online on some node.</summary>
    Task<IReadOnlySet<long>> OnlineAmongAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken);
}
