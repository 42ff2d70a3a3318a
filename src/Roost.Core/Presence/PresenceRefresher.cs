using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Presence;

/// <summary>
/// Turns presence hints (a change on some node) into store reads for the accounts watched here, coalesced: a burst of
/// hints for one account costs one read, and many accounts are read in batches. A hint for every account (the bus was
/// away) reads every watched account. A failed read is retried.
/// </summary>
public sealed partial class PresenceRefresher : MarkedAccountsLoop
{
    /// <summary>Accounts read in one store query.</summary>
    public const int BatchSize = 500;

    /// <summary>Accounts remembered between reads; past it the next read covers every watched account.</summary>
    public const int MaxPending = 50_000;

    private readonly IRoostStore _store;
    private readonly IPresenceWatchers _watchers;
    private readonly ILogger _logger;

    public PresenceRefresher(IRoostStore store, IPresenceWatchers watchers, EventRouter router, TimeProvider time, ILogger<PresenceRefresher> logger)
        : base(time, BatchSize, MaxPending)
    {
        ArgumentNullException.ThrowIfNull(router);
        _store = store;
        _watchers = watchers;
        _logger = logger;
        router.PresenceHinted += Hint;
        Start();
    }

    /// <summary>Reads the account's presence again soon (every watched account's, when null).</summary>
    public void Hint(long? accountId)
    {
        if (accountId is { } id)
        {
            Mark(id);
        }
        else
        {
            MarkEveryAccount();
        }
    }

    protected override IReadOnlyList<long> Resolve(IReadOnlyCollection<long> marked, bool everyAccount) => _watchers.WatchedAmong(everyAccount ? null : marked);

    protected override async Task<bool> ProcessAsync(List<long> batch, CancellationToken cancellationToken)
    {
        try
        {
            var stamp = _watchers.BeginRead();
            var records = await _store.Presence.GetAsync(batch, cancellationToken);
            var online = await _store.Nodes.OnlineAmongAsync(batch, cancellationToken);
            _watchers.Refresh(records, online, stamp);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed, the loop must live on: this node would stop hearing of other nodes' presence changes.
            Log.ReadFailed(_logger, batch.Count, exception.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Reading the presence of {Count} accounts after a change on another node failed ({Reason}); trying again")]
        public static partial void ReadFailed(ILogger logger, int count, string reason);
    }
}
