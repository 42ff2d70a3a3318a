using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Roost.Core.Delivery;

/// <summary>
/// Work per account, coalesced: <see cref="Mark"/> remembers an account (a burst for one account is done once), one
/// loop takes the marked accounts in batches, and a batch that fails is marked again and retried after
/// <see cref="RetryDelay"/>. Bounded: past <paramref name="maxMarked"/> accounts the next pass covers every account.
/// </summary>
public abstract class MarkedAccountsLoop(TimeProvider time, int batchSize, int maxMarked) : IAsyncDisposable
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, byte> _marked = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _everyAccount;

    /// <summary>Does the work for the account soon.</summary>
    public void Mark(long accountId)
    {
        // Count takes every lock of the dictionary: only when there is a bound to keep.
        if (maxMarked < int.MaxValue && _marked.Count >= maxMarked && !_marked.ContainsKey(accountId))
        {
            Volatile.Write(ref _everyAccount, 1);
        }
        else
        {
            _marked.TryAdd(accountId, 0);
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Does the work for every account soon.</summary>
    public void MarkEveryAccount()
    {
        Volatile.Write(ref _everyAccount, 1);
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
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the loop (from the derived constructor, once its fields are set).</summary>
    protected void Start() => _loop = Task.Run(RunAsync);

    /// <summary>The accounts to work on: among <paramref name="marked"/>, or (<paramref name="everyAccount"/>) every account there is to work on, the marked ones included.</summary>
    protected abstract IReadOnlyList<long> Resolve(IReadOnlyCollection<long> marked, bool everyAccount);

    /// <summary>Works on one batch; false when it failed and must be tried again.</summary>
    protected abstract Task<bool> ProcessAsync(List<long> batch, CancellationToken cancellationToken);

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping))
            {
                _wake.Reader.TryRead(out _);
                var everyAccount = Interlocked.Exchange(ref _everyAccount, 0) != 0;
                var marked = TakeMarked();
                IReadOnlyList<long> accounts = marked;
                var done = 0;
                try
                {
                    accounts = Resolve(marked, everyAccount);
                    for (; done < accounts.Count; done += batchSize)
                    {
                        if (!await ProcessAsync([.. accounts.Skip(done).Take(batchSize)], stopping))
                        {
                            break;
                        }
                    }
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // A pass must not end the loop: what it did not finish is marked again below.
                }

                if (done < accounts.Count)
                {
                    foreach (var accountId in accounts.Skip(done))
                    {
                        Mark(accountId);
                    }

                    await Task.Delay(RetryDelay, time, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The marked accounts, taken.</summary>
    private List<long> TakeMarked()
    {
        var taken = new List<long>(_marked.Count);
        foreach (var accountId in _marked.Keys)
        {
            if (_marked.TryRemove(accountId, out _))
            {
                taken.Add(accountId);
            }
        }

        return taken;
    }
}
