using System.Collections.Concurrent;
using System.Globalization;
using Roost.Client.Realtime;

namespace Roost.Cli.Bench;

/// <summary>
/// Sends bench messages until the duration or the message budget runs out, paced one of three ways: closed loop
/// with a window per sender, closed loop with one total window (each send from a random sender to a random peer),
/// or open loop at a fixed offered rate (a schedule of due times; sends are issued without waiting for acks).
/// Records acknowledgement latency, in open loop from each send's due time.
/// </summary>
internal sealed class SendDriver(BenchSettings settings, TimeProvider? time = null, bool trackAcked = true, LatencyRecorder? ackLatency = null)
{
    /// <summary>
    /// Open-loop sends outstanding at most: past it, due sends wait for a slot. Their latency still counts from when
    /// they were due, so the bound keeps the generator's memory in check without flattering the server.
    /// </summary>
    public const int MaxOutstanding = 65_536;

    /// <summary>How long after the duration an unanswered send is given up (the run stays bounded even if the server stalls).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _limit = settings.Messages > 0 ? settings.Messages : long.MaxValue;
    private readonly string _clientIdPrefix = settings.ClientIdPrefix;
    private long _taken;
    private long _scheduled;
    private long _sent;
    private long _acked;
    private long _failed;
    private long _outstanding;
    private long _clientIds;
    private string? _firstFailure;
    private CancellationToken _giveUp;

    public LatencyRecorder AckLatency { get; } = ackLatency ?? new();

    /// <summary>Open loop: how late after its due time each send was issued (the generator's own lag, included in the latencies).</summary>
    public LatencyRecorder IssueLag { get; } = new();

    /// <summary>Client ids of acknowledged sends (when tracked): loss is counted against these only.</summary>
    public ConcurrentDictionary<string, byte> AckedIds { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    public long Acked => Interlocked.Read(ref _acked);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Why the first failed send failed, if any did.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>Paces sends among <paramref name="senders"/> as the settings say (rate, total window, or window per sender).</summary>
    public Task RunAsync(IReadOnlyList<BenchSender> senders, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(senders.Count);
        return settings.Rate > 0
            ? BoundedAsync(_ => OpenLoopAsync(_ => BenchTarget.Random(senders), _giveUp), cancellationToken)
            : BoundedAsync(
                stop => settings.InFlight > 0
                    ? TotalWindowAsync(_ => BenchTarget.Random(senders), stop)
                    : Task.WhenAll(senders.SelectMany(sender => Enumerable.Range(0, settings.Window).Select(_ => PerSenderAsync(sender, stop)))),
                cancellationToken);
    }

    /// <summary>Closed loop with a total window of <see cref="BenchSettings.InFlight"/> (at least 1); send number i goes where <paramref name="pick"/> says.</summary>
    public Task RunAsync(Func<long, BenchTarget> pick, CancellationToken cancellationToken) =>
        BoundedAsync(stop => TotalWindowAsync(pick, stop), cancellationToken);

    /// <summary>
    /// Open loop, one step: starts every send that <paramref name="schedule"/> has due by now (as far as the budget
    /// and <see cref="MaxOutstanding"/> allow), each stamped with its due time. False once nothing is left to send.
    /// </summary>
    internal bool IssueDue(OpenLoopSchedule schedule, Func<long, BenchTarget> pick, List<Task> started)
    {
        var due = schedule.DueBy(_time.GetTimestamp());
        while (_scheduled < due && Interlocked.Read(ref _outstanding) < MaxOutstanding)
        {
            if (!TryTake(out var index))
            {
                return false;
            }

            var dueAt = schedule.DueAt(_scheduled++);
            IssueLag.Record(_time.GetElapsedTime(dueAt));
            started.Add(SendAsync(pick(index), dueAt));
            if (_scheduled % 4096 == 0)
            {
                started.RemoveAll(task => task.IsCompleted);
            }
        }

        return _scheduled < schedule.Total;
    }

    /// <summary>One send; its latency counts from <paramref name="dueAt"/> (a timestamp of this driver's clock).</summary>
    internal async Task SendAsync(BenchTarget target, long dueAt)
    {
        var clientId = _clientIdPrefix + Interlocked.Increment(ref _clientIds).ToString(CultureInfo.InvariantCulture);
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _outstanding);
        try
        {
            await target.Sender.Send(target.ConversationId, DeliveryTracker.Body(settings.BodyBytes, dueAt), clientId, _giveUp);
            AckLatency.Record(_time.GetElapsedTime(dueAt));
            if (trackAcked)
            {
                AckedIds.TryAdd(clientId, 0);
            }

            Interlocked.Increment(ref _acked);
        }
        catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or RoostRealtimeException or ObjectDisposedException or OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _firstFailure, exception.Message, null);
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    private async Task BoundedAsync(Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Duration);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(settings.Duration + Grace);
        _giveUp = giveUp.Token;
        await run(timeout.Token);
    }

    private async Task PerSenderAsync(BenchSender sender, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && TryTake(out _))
        {
            await SendAsync(BenchTarget.Random(sender), _time.GetTimestamp());
        }
    }

    private Task TotalWindowAsync(Func<long, BenchTarget> pick, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, settings.InFlight)).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && TryTake(out var index))
            {
                await SendAsync(pick(index), _time.GetTimestamp());
            }
        }));

    /// <summary>
    /// The schedule ends with the duration, but a send that fell due before then is still issued after it (until
    /// the grace runs out): dropping the latest sends of an overloaded run would drop its worst latencies.
    /// </summary>
    private async Task OpenLoopAsync(Func<long, BenchTarget> pick, CancellationToken stop)
    {
        var schedule = new OpenLoopSchedule(_time.GetTimestamp(), settings.Rate, _time.TimestampFrequency, settings.Duration);
        var started = new List<Task>();
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A thread of its own wakes at each due time: a 1 ms timer (and the thread pool behind it) would add up to
        // milliseconds of the generator's own lateness to every latency at a fixed rate.
        var pacer = new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested && IssueDue(schedule, pick, started))
                {
                    PauseUntil(schedule.DueAt(_scheduled), stop);
                }

                paced.SetResult();
            }
#pragma warning disable CA1031 // Whatever stops the pacer ends the run with that failure.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                paced.SetException(exception);
            }
        })
        { IsBackground = true, Name = "bench pacer" };
        pacer.Start();
        await paced.Task;
        await Task.WhenAll(started);
    }

    /// <summary>Sleeps while the due time is far, then yields the core (to the generator's readers) until it comes.</summary>
    private void PauseUntil(long dueAt, CancellationToken stop)
    {
        var frequency = _time.TimestampFrequency;
        while (!stop.IsCancellationRequested)
        {
            var remaining = dueAt - _time.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > frequency / 500)
            {
                Thread.Sleep(1);
            }
            else if (!Thread.Yield())
            {
                Thread.SpinWait(50);
            }
        }
    }

    private bool TryTake(out long index)
    {
        index = Interlocked.Increment(ref _taken) - 1;
        return index < _limit;
    }
}
