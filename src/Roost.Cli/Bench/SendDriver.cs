using System.Diagnostics;
using Roost.Client.Realtime;

namespace Roost.Cli.Bench;

/// <summary>
/// Sends bench messages, closed loop (each sender keeps a window of sends in flight) or open loop (a fixed offered
/// rate across all senders), until the duration or the message budget runs out. Records acknowledgement latency.
/// </summary>
internal sealed class SendDriver(BenchSettings settings)
{
    private long _budget = settings.Messages > 0 ? settings.Messages : long.MaxValue;
    private long _sent;
    private long _acked;
    private long _failed;
    private long _clientIds;

    /// <summary>How long after the duration an unanswered send is given up (the run stays bounded even if the server stalls).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private CancellationToken _giveUp;

    public LatencyRecorder AckLatency { get; } = new();

    /// <summary>Client ids of acknowledged sends: loss is counted against these only.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte> AckedIds { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    public long Acked => Interlocked.Read(ref _acked);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Each sender: its connection and the conversations it may pick from at random.</summary>
    public async Task RunAsync(IReadOnlyList<(RoostConnection Connection, long[] Conversations)> senders, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Duration);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(settings.Duration + Grace);
        _giveUp = giveUp.Token;
        if (settings.Rate > 0)
        {
            await OpenLoopAsync(senders, timeout.Token);
        }
        else
        {
            await Task.WhenAll(senders.SelectMany(sender => Enumerable.Range(0, settings.Window).Select(_ => ClosedLoopAsync(sender, timeout.Token))));
        }
    }

    private async Task ClosedLoopAsync((RoostConnection Connection, long[] Conversations) sender, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && TakeBudget())
        {
            await SendOneAsync(sender);
        }
    }

    private async Task OpenLoopAsync(IReadOnlyList<(RoostConnection Connection, long[] Conversations)> senders, CancellationToken stop)
    {
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        long issued = 0;
        var next = 0;
        while (!stop.IsCancellationRequested)
        {
            // Issue every send that is due by now, then sleep a little: the schedule, not the sleep, sets the rate.
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * settings.Rate);
            while (issued < due && TakeBudget())
            {
                inFlight.Add(SendOneAsync(senders[next++ % senders.Count]));
                issued++;
            }

            if (issued < due)
            {
                break; // The message budget is spent.
            }

            inFlight.RemoveAll(task => task.IsCompleted);
            try
            {
                await Task.Delay(1, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(inFlight);
    }

    private async Task SendOneAsync((RoostConnection Connection, long[] Conversations) sender)
    {
        var conversation = sender.Conversations[Random.Shared.Next(sender.Conversations.Length)];
        var clientId = "b" + Interlocked.Increment(ref _clientIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _sent);
        try
        {
            await sender.Connection.SendMessageAsync(conversation, DeliveryTracker.Body(settings.BodyBytes), clientId, cancellationToken: _giveUp);
            AckLatency.RecordSince(started);
            AckedIds.TryAdd(clientId, 0);
            Interlocked.Increment(ref _acked);
        }
        catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or RoostRealtimeException or ObjectDisposedException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    private bool TakeBudget() => Interlocked.Decrement(ref _budget) >= 0;
}
