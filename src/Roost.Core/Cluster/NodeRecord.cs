namespace Roost.Core.Cluster;

/// <summary>How a node ended: stopped cleanly, or declared dead when its heartbeat stopped.</summary>
public enum NodeEnd
{
    Stopped = 1,
    Dead = 2,
}

/// <summary>
/// A node of the cluster as the registry holds it: its name, where it listens, when it started, its last heartbeat
/// (with the connections and accounts it held then), and how it ended, once it has.
/// </summary>
public sealed record NodeRecord(
    string NodeId,
    string Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    int Connections,
    int Accounts,
    DateTimeOffset? EndedAt = null,
    NodeEnd? Ended = null);
