using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Cluster;

/// <summary>
/// This node's entry in the registry: registered at start, a heartbeat (with its connection counts) every interval,
/// a sweep that declares silent nodes dead, and a clean end at stop. Every account whose online state the store
/// changes here is hinted to the nodes that watch it, which read it again.
/// </summary>
public sealed partial class NodeRegistry(IRoostStore store, EventRouter router, NodeContext node, OnlineRows rows, TimeProvider time, ILogger<NodeRegistry> logger)
{
    public NodeContext Node => node;

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var held = await store.Nodes.RegisterAsync(new NodeRecord(node.NodeId, node.Address, now, now, 0, 0), cancellationToken);
        Log.Registered(logger, node.NodeId, node.Address, held.Count);
        Hint(held);
    }

    /// <summary>
    /// The heartbeat, then the sweep. A node declared dead while it was cut off registers again and marks its accounts
    /// online anew; otherwise its rows are reconciled with its connections.
    /// </summary>
    public async Task BeatAndSweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await store.Nodes.BeatAsync(node.NodeId, now, router.ConnectionCount, router.ConnectedAccountCount, cancellationToken))
        {
            Log.DeclaredDead(logger, node.NodeId);
            await RegisterAsync(cancellationToken);
            rows.MarkEveryAccount();
        }
        else
        {
            // Repairs rows a failed or lost write left wrong.
            await rows.ReconcileAsync(cancellationToken);
        }

        var cleared = await store.Nodes.SweepAsync(NodeStatus.DeadBefore(now, node.DeadAfter), now - NodeStatus.EndedKeptFor, cancellationToken);
        if (cleared.Count > 0)
        {
            Log.SweptDead(logger, cleared.Count);
            Hint(cleared);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var held = await store.Nodes.StopAsync(node.NodeId, time.GetUtcNow(), cancellationToken);
        Log.Stopped(logger, node.NodeId, held.Count);
        Hint(held);
    }

    private void Hint(IReadOnlyList<long> accountIds)
    {
        if (!node.Clustered)
        {
            return;
        }

        foreach (var accountId in accountIds)
        {
            router.PublishPresenceChanged(accountId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Node {NodeId} registered at {Address} ({Held} accounts it held online before were let go)")]
        public static partial void Registered(ILogger logger, string nodeId, string address, int held);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Node {NodeId} was declared dead by another node (its heartbeats did not reach the store); registering again")]
        public static partial void DeclaredDead(ILogger logger, string nodeId);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Nodes whose heartbeat stopped were declared dead: {Accounts} accounts they held went offline")]
        public static partial void SweptDead(ILogger logger, int accounts);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Node {NodeId} stopped ({Held} accounts still online on it were let go)")]
        public static partial void Stopped(ILogger logger, string nodeId, int held);
    }
}
