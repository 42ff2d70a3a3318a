using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Cluster;

/// <summary>
/// Keeps this node's rows in <c>online_accounts</c> equal to the accounts connected here, in a cluster. A change only
/// marks the account; one loop writes, for every marked account, the state it has <em>when written</em> (connected
/// here or not), so a disconnect and a reconnect in quick succession can never leave the row reversed, and a failed
/// write is tried again. After each write the changed accounts are hinted to every node watching them. The heartbeat
/// reconciles the rows with the connections (<see cref="ReconcileAsync"/>), which repairs anything else.
/// </summary>
public sealed partial class OnlineRows : MarkedAccountsLoop
{
    /// <summary>Accounts written in one store write.</summary>
    public const int BatchSize = 500;

    private readonly IRoostStore _store;
    private readonly EventRouter _router;
    private readonly NodeContext _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public OnlineRows(IRoostStore store, EventRouter router, NodeContext node, TimeProvider time, ILogger<OnlineRows> logger)
        : base(time, BatchSize, maxMarked: int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(node);
        _store = store;
        _router = router;
        _node = node;
        _time = time;
        _logger = logger;
        if (node.Clustered)
        {
            // A second device of an account already online here changes no presence, but the device rows (push).
            router.DevicesChanged += Mark;
            Start();
        }
    }

    /// <summary>Marks every account whose row differs from its connections here (rows lost, left behind, or never written).</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!_node.Clustered)
        {
            return;
        }

        var rows = (await _store.Nodes.OnlineOnAsync(_node.NodeId, cancellationToken)).ToHashSet();
        var connected = _router.ConnectedAccounts().ToHashSet();
        var differing = rows.Where(id => !connected.Contains(id)).Concat(connected.Where(id => !rows.Contains(id))).ToList();
        foreach (var accountId in differing)
        {
            Mark(accountId);
        }

        if (differing.Count > 0)
        {
            Log.Reconciled(_logger, differing.Count);
        }
    }

    /// <summary>The marked accounts (bounded by those connected here and recently left), and after this node registered again every one connected here.</summary>
    protected override IReadOnlyList<long> Resolve(IReadOnlyCollection<long> marked, bool everyAccount) =>
        everyAccount ? [.. marked.Union(_router.ConnectedAccounts())] : [.. marked];

    protected override async Task<bool> ProcessAsync(List<long> batch, CancellationToken cancellationToken)
    {
        // The state now, not the one when marked: a later change marks the account again and is written after this.
        var online = batch.Where(_router.IsConnectedHere).ToList();
        var offline = batch.Where(id => !_router.IsConnectedHere(id)).ToList();
        var devices = online.ToDictionary(id => id, _router.DevicesConnectedHere);
        try
        {
            await _store.Nodes.SetOnlineAsync(_node.NodeId, online, offline, _time.GetUtcNow(), cancellationToken, devices);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (exception is not (StoreUnavailableException or StorageFullException))
            {
                Log.WriteFailed(_logger, exception, batch.Count);
            }

            return false;
        }

        foreach (var accountId in batch)
        {
            _router.PublishPresenceChanged(accountId);
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Writing which of {Count} accounts are online on this node failed; trying again")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "{Count} accounts' online rows differed from this node's connections and are written again")]
        public static partial void Reconciled(ILogger logger, int count);
    }
}
