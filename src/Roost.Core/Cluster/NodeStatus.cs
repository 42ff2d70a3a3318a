namespace Roost.Core.Cluster;

public enum NodeState
{
    /// <summary>Heartbeating.</summary>
    Running,

    /// <summary>Its heartbeat is late, but not yet by the time after which it is declared dead.</summary>
    Late,

    Stopped,

    Dead,
}

/// <summary>The registry's rules: when a node is late, when it is dead, and how long an ended node is listed.</summary>
public static class NodeStatus
{
    public static NodeState Of(NodeRecord node, DateTimeOffset now, TimeSpan heartbeatInterval, TimeSpan deadAfter)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Ended switch
        {
            NodeEnd.Stopped => NodeState.Stopped,
            NodeEnd.Dead => NodeState.Dead,
            _ when now - node.HeartbeatAt >= deadAfter => NodeState.Dead,
            _ when now - node.HeartbeatAt > 2 * heartbeatInterval => NodeState.Late,
            _ => NodeState.Running,
        };
    }

    /// <summary>Heartbeats older than this mean the node is dead: it is swept (its presence cleared).</summary>
    public static DateTimeOffset DeadBefore(DateTimeOffset now, TimeSpan deadAfter) => now - deadAfter;

    /// <summary>Ended nodes are listed for a while (an operator looks back at a crash), then removed.</summary>
    public static readonly TimeSpan EndedKeptFor = TimeSpan.FromDays(7);

    /// <summary>Whether a dead-node time can work with a heartbeat interval: at least three beats missed.</summary>
    public static bool IsWorkable(TimeSpan heartbeatInterval, TimeSpan deadAfter) =>
        heartbeatInterval > TimeSpan.Zero && deadAfter >= 3 * heartbeatInterval;
}
