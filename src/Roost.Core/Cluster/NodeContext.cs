namespace Roost.Core.Cluster;

/// <summary>
/// This node as its cluster knows it. <paramref name="Clustered"/>: other nodes may serve the same accounts, so
/// presence is kept in the store and changes are hinted over the bus; alone, this node's memory is the whole truth.
/// </summary>
public sealed record NodeContext(string NodeId, string Address, bool Clustered, TimeSpan HeartbeatInterval, TimeSpan DeadAfter)
{
    /// <summary>A node alone (tests and tools).</summary>
    public static NodeContext Alone(string nodeId = "local") => new(nodeId, "", Clustered: false, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
}
