using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Core.Upstream;

namespace Roost.Core.Push;

/// <summary>
/// Drains the durable push queue: claims due jobs (leased, so several nodes share the work and a node that dies lets
/// its jobs go after the lease), skips devices that are connected, holds jobs of a partition whose breaker is open
/// (without spending their attempts), sends the rest through each provider's <see cref="UpstreamGate"/> (concurrency
/// per provider, rate per partition), and records each decision in the store. Woken after a commit that queued pushes
/// and when a job finishes; otherwise it sleeps until the next job is due (at most <see cref="PollInterval"/>, so
/// jobs queued by other nodes and expired leases are found too).
/// </summary>
public sealed partial class PushDispatcher : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long a store failure pauses claiming.</summary>
    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IRoostStore _store;
    private readonly Dictionary<PushPlatform, IPushSender> _senders;
    private readonly Dictionary<PushPlatform, UpstreamGate> _gates = [];
    private readonly IDeviceLiveness _liveness;
    private readonly PushPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PushSignal _signal;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly int _maxOutstandingPerProvider;
    private readonly int[] _outstanding = new int[Enum.GetValues<PushPlatform>().Max(p => (int)p) + 1];
    private Task? _loop;
    private long _accepted;
    private long _retried;
    private long _removed;
    private long _dead;
    private long _skipped;
    private int _disposed;

    public PushDispatcher(IRoostStore store, PushSignal signal, IEnumerable<IPushSender> senders, IDeviceLiveness liveness, PushPolicy policy, TimeProvider time, ILogger<PushDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(policy);
        _store = store;
        _signal = signal;
        _senders = senders.ToDictionary(s => s.Platform);
        _liveness = liveness;
        _policy = policy;
        _time = time;
        _logger = logger;
        foreach (var platform in _senders.Keys)
        {
            _gates[platform] = new UpstreamGate(policy.MaxConcurrencyPerProvider, policy.RatePerPartition, policy.BurstPerPartition, time);
        }

        // Enough claimed work per provider to keep its slots busy, and no more: the rest waits in the store.
        _maxOutstandingPerProvider = policy.MaxConcurrencyPerProvider * 2;
        Breakers = new PartitionBreakers(policy, time);
        Breakers.Opened += (partition, reason) => Log.BreakerOpened(_logger, partition, reason);
        Breakers.Closed += partition => Log.BreakerClosed(_logger, partition);
    }

    public PartitionBreakers Breakers { get; }

    /// <summary>Starts the loop (once).</summary>
    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Looks at the queue now (a push was queued, or capacity came free).</summary>
    public void Wake() => _signal.Wake();

    public PushDispatcherStats Stats() => new(
        Interlocked.Read(ref _accepted),
        Interlocked.Read(ref _retried),
        Interlocked.Read(ref _removed),
        Interlocked.Read(ref _dead),
        Interlocked.Read(ref _skipped),
        _inFlight.Count,
        [.. _gates.Select(pair => new ProviderStats(pair.Key, pair.Value.InFlight, pair.Value.PeakInFlight, pair.Value.MaxConcurrency))],
        Breakers.Snapshot());

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        // What was being sent ends with the cancellation; its leases run out and another claim sends it again.
        await Task.WhenAll(_inFlight.Values).WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Each provider has its own budget of claimed work, so a slow one (a tarpit of an endpoint, say)
                // fills only its own and the others keep being claimed. Platforms without a sender are always
                // claimed: their jobs become dead letters at once.
                var platforms = new List<PushPlatform>(3);
                var room = 0;
                foreach (var platform in Enum.GetValues<PushPlatform>())
                {
                    var free = _senders.ContainsKey(platform) ? _maxOutstandingPerProvider - Volatile.Read(ref _outstanding[(int)platform]) : _policy.ClaimBatch;
                    if (free > 0)
                    {
                        platforms.Add(platform);
                        room = Math.Max(room, free);
                    }
                }

                room = Math.Min(_policy.ClaimBatch, room);
                if (room > 0)
                {
                    var now = _time.GetUtcNow();
                    var jobs = await _store.Push.ClaimAsync(now, now + _policy.Lease, room, platforms, stopping).ConfigureAwait(false);
                    foreach (var job in jobs)
                    {
                        // Tracked before its removal can run: the removal is a continuation of the tracked task itself.
                        var platform = (int)job.Target.Platform;
                        Interlocked.Increment(ref _outstanding[platform]);
                        var processing = ProcessAsync(job, stopping);
                        _inFlight[job.Id] = processing;
                        _ = processing.ContinueWith(
                            done =>
                            {
                                _inFlight.TryRemove(KeyValuePair.Create(job.Id, done));
                                Interlocked.Decrement(ref _outstanding[platform]);
                                Wake();
                            },
                            CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously,
                            TaskScheduler.Default);
                    }

                    if (jobs.Count == room)
                    {
                        continue;
                    }
                }

                var next = await _store.Push.NextDueAsync(stopping).ConfigureAwait(false);
                var wait = next is { } due ? due - _time.GetUtcNow() : PollInterval;
                if (wait <= TimeSpan.Zero || wait > PollInterval)
                {
                    // Due but not claimable (their device's earlier push is out): a finishing job wakes the loop.
                    wait = PollInterval;
                }

                await WaitForWakeAsync(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (exception is not (StoreUnavailableException or StorageFullException))
                {
                    Log.LoopFailed(_logger, exception);
                }

                await WaitForWakeAsync(StoreRetryDelay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task WaitForWakeAsync(TimeSpan wait, CancellationToken stopping)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var woken = _signal.WaitAsync(done.Token).AsTask();
        var delay = Task.Delay(wait, _time, done.Token);
        await Task.WhenAny(woken, delay).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(woken, delay).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.ThrowIfCancellationRequested();
    }

    private async Task ProcessAsync(PushJob job, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            var completion = await DecideAsync(job, stopping).ConfigureAwait(false);

            // Not cancelled by stopping: an answered push is recorded, or its lease would send it a second time.
            await _store.Push.CompleteAsync(job, completion, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // The lease runs out and the job is claimed again: a push may go twice, never zero times.
            if (exception is not (StoreUnavailableException or StorageFullException))
            {
                Log.JobFailed(_logger, exception, job.Id);
            }
        }
    }

    private async Task<PushCompletion> DecideAsync(PushJob job, CancellationToken stopping)
    {
        var target = job.Target;
        if (await _liveness.IsConnectedAsync(target.AccountId, target.DeviceId, stopping).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _skipped);
            return new PushCompletion(PushCompletionKind.Skipped, _time.GetUtcNow());
        }

        if (!_senders.TryGetValue(target.Platform, out var sender) || !sender.Serves(target.App))
        {
            Interlocked.Increment(ref _dead);
            Log.NoSender(_logger, target.Partition);
            return new PushCompletion(PushCompletionKind.Dead, _time.GetUtcNow(), "this server has no credentials for the app");
        }

        var partition = target.Partition;
        if (Breakers.IsHeld(partition, out var heldUntil))
        {
            return new PushCompletion(PushCompletionKind.Retry, heldUntil, "breaker open", CountsAsAttempt: false);
        }

        var delivery = new PushDelivery(target, PushPayloads.Build(job), PushPayloads.CollapseKey(job.ConversationId), _policy.TimeToLive, PushUrgency.High, Guid.NewGuid());
        PushOutcome outcome;
        using (await _gates[target.Platform].EnterAsync(partition.ToString(), stopping).ConfigureAwait(false))
        {
            // The wait for a slot may have been long: a breaker that opened meanwhile holds this push too, and a
            // lease too short to cover the request lets the job go (another claim sends it) rather than risk a second
            // node sending it at the same time.
            var now = _time.GetUtcNow();
            if (now + (_policy.Lease / 2) > job.LeaseUntil)
            {
                return new PushCompletion(PushCompletionKind.Retry, now, "waited too long for a slot", CountsAsAttempt: false);
            }

            // From here the push goes and its outcome is recorded: a half-open breaker's probe always reports back.
            if (!Breakers.TryPass(partition, out var retryAt))
            {
                return new PushCompletion(PushCompletionKind.Retry, retryAt, "breaker open", CountsAsAttempt: false);
            }

            try
            {
                outcome = await sender.SendAsync(delivery, stopping).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                Log.SenderThrew(_logger, exception, partition);
                outcome = PushOutcome.PartitionFailed("the sender failed: " + exception.GetType().Name);
            }
        }

        Breakers.Record(partition, outcome);
        var completion = PushRetryRules.Decide(job, outcome, _policy, _time.GetUtcNow(), Random.Shared.NextDouble());
        switch (completion.Kind)
        {
            case PushCompletionKind.Sent:
                Interlocked.Increment(ref _accepted);
                break;
            case PushCompletionKind.Retry:
                Interlocked.Increment(ref _retried);
                break;
            case PushCompletionKind.TargetGone:
                Interlocked.Increment(ref _removed);
                Log.TargetGone(_logger, partition, target.DeviceId, outcome.Reason);
                break;
            case PushCompletionKind.Dead:
                Interlocked.Increment(ref _dead);
                Log.DeadLetter(_logger, partition, target.DeviceId, completion.Error ?? "");
                break;
        }

        return completion;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "Push partition {Partition}: breaker opened ({Reason}); its pushes wait")]
        public static partial void BreakerOpened(ILogger logger, PushPartition partition, string reason);

        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Push partition {Partition}: breaker closed")]
        public static partial void BreakerClosed(ILogger logger, PushPartition partition);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Push target of device {DeviceId} ({Partition}) is gone ({Reason}) and was removed")]
        public static partial void TargetGone(ILogger logger, PushPartition partition, long deviceId, string reason);

        [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Push to device {DeviceId} ({Partition}) given up: {Error}")]
        public static partial void DeadLetter(ILogger logger, PushPartition partition, long deviceId, string error);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "No push sender has credentials for {Partition}; its jobs become dead letters")]
        public static partial void NoSender(ILogger logger, PushPartition partition);

        [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "The push sender for {Partition} threw")]
        public static partial void SenderThrew(ILogger logger, Exception exception, PushPartition partition);

        [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "The push loop failed; trying again")]
        public static partial void LoopFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "Push job {JobId} failed; it is sent again when its lease runs out")]
        public static partial void JobFailed(ILogger logger, Exception exception, long jobId);
    }
}

/// <summary>What this node's dispatcher did since it started, and what it holds now.</summary>
public sealed record PushDispatcherStats(
    long Accepted, long Retried, long TargetsRemoved, long DeadLetters, long SkippedOnline, int Outstanding,
    IReadOnlyList<ProviderStats> Providers, IReadOnlyList<BreakerSnapshot> Breakers);

public sealed record ProviderStats(PushPlatform Platform, int InFlight, int PeakInFlight, int MaxConcurrency);
