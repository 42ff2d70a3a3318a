using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Presence;

/// <summary>
/// Turns presence hints (a change on some node) into store reads for the accounts watched here, coalesced: a burst of
/// hints for one account costs one read, and many accounts are read in batches. A hint for every account (the bus was
/// away) reads every watched account. A failed read is retried after <see cref="RetryDelay"/>.
/// </summary>
public sealed partial class PresenceRefresher : IAsyncDisposable
{
    /// <summary>Accounts read in one store query.</summary>
    public const int BatchSize = 500;

    /// <summary>Accounts remembered between reads; past it the next read covers every watched account.</summary>
    public const int MaxPending = 50_000;

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly IRoostStore _store;
    private readonly IPresenceWatchers _watchers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, byte> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _everyAccount;

    public PresenceRefresher(IRoostStore store, IPresenceWatchers watchers, EventRouter router, TimeProvider time, ILogger<PresenceRefresher> logger)
    {
        ArgumentNullException.ThrowIfNull(router);
        _store = store;
        _watchers = watchers;
        _time = time;
        _logger = logger;
        router.PresenceHinted += Hint;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Reads the account's presence again soon (every watched account's, when null).</summary>
    public void Hint(long? accountId)
    {
        if (accountId is not { } id || (_pending.Count >= MaxPending && !_pending.ContainsKey(id)))
        {
            Volatile.Write(ref _everyAccount, 1);
        }
        else
        {
            _pending.TryAdd(id, 0);
        }

        _wake.Writer.TryWrite(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping))
            {
                _wake.Reader.TryRead(out _);
                var accounts = TakePending();
                for (var start = 0; start < accounts.Count; start += BatchSize)
                {
                    var batch = accounts.Skip(start).Take(BatchSize).ToList();
                    if (!await TryRefreshAsync(batch, stopping))
                    {
                        foreach (var accountId in accounts.Skip(start))
                        {
                            Hint(accountId);
                        }

                        await Task.Delay(RetryDelay, _time, stopping);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private IReadOnlyList<long> TakePending()
    {
        if (Interlocked.Exchange(ref _everyAccount, 0) != 0)
        {
            _pending.Clear();
            return _watchers.WatchedAmong(null);
        }

        var taken = new List<long>(_pending.Count);
        foreach (var accountId in _pending.Keys)
        {
            if (_pending.TryRemove(accountId, out _))
            {
                taken.Add(accountId);
            }
        }

        return _watchers.WatchedAmong(taken);
    }

    private async Task<bool> TryRefreshAsync(List<long> accounts, CancellationToken cancellationToken)
    {
        try
        {
            var stamp = _watchers.BeginRead();
            var records = await _store.Presence.GetAsync(accounts, cancellationToken);
            var online = await _store.Nodes.OnlineAmongAsync(accounts, cancellationToken);
            _watchers.Refresh(records, online, stamp);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed, the loop must live on: this node would stop hearing of other nodes' presence changes.
            Log.ReadFailed(_logger, accounts.Count, exception.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Reading the presence of {Count} accounts after a change on another node failed ({Reason}); trying again")]
        public static partial void ReadFailed(ILogger logger, int count, string reason);
    }
}
