using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Roost.Client.Realtime;
using Roost.Protocol.Events;

namespace Roost.Cli.Bench;

/// <summary>
/// Counts deliveries of bench messages to users other than their sender: once each is a delivery, again is a
/// duplicate. Bodies start with the send's Stopwatch timestamp (when it was due, in open loop), so end-to-end latency is measured on one clock.
/// </summary>
/// <param name="ignoredClientIdPrefix">Messages whose client id starts with this (a warm-up's) are not counted.</param>
internal sealed class DeliveryTracker(string? ignoredClientIdPrefix = null)
{
    private readonly ConcurrentDictionary<(string ClientId, long Receiver), byte> _seen = new();
    private readonly ConcurrentDictionary<string, int> _receiversByClientId = new();
    private long _delivered;
    private long _duplicates;

    public LatencyRecorder EndToEnd { get; } = new();

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>A body of <paramref name="size"/> characters starting with <paramref name="sentAt"/> (a Stopwatch timestamp: when the send was due).</summary>
    public static string Body(int size, long sentAt)
    {
        var stamp = sentAt.ToString(CultureInfo.InvariantCulture) + "|";
        return stamp.Length >= size ? stamp : stamp + new string('x', size - stamp.Length);
    }

    public void OnMessage(MessageCreatedEvent created, long receiverId)
    {
        var message = created.Message;
        if (message.SenderId == receiverId)
        {
            return; // The sender's own stream echoes its message for its other devices.
        }

        if (ignoredClientIdPrefix is not null && message.ClientId.StartsWith(ignoredClientIdPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (!_seen.TryAdd((message.ClientId, receiverId), 0))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        Interlocked.Increment(ref _delivered);
        _receiversByClientId.AddOrUpdate(message.ClientId, 1, (_, count) => count + 1);
        var body = message.Body ?? "";
        var bar = body.IndexOf('|', StringComparison.Ordinal);
        if (bar > 0 && long.TryParse(body.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt))
        {
            EndToEnd.RecordSince(sentAt);
        }
    }

    /// <summary>Reads one connection until it closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task ReadAsync(RoostConnection connection, long receiverId, CancellationToken cancellationToken)
    {
        try
        {
            while (await connection.ReadAsync(cancellationToken) is { } frame)
            {
                if (frame.Event is MessageCreatedEvent created)
                {
                    OnMessage(created, receiverId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// Acknowledged messages that did not reach all <paramref name="receiversEach"/> of their receivers. Messages the
    /// server stored but whose ack was lost are not counted either way.
    /// </summary>
    public long Lost(IEnumerable<string> ackedClientIds, int receiversEach) =>
        ackedClientIds.Sum(id => (long)Math.Max(0, receiversEach - _receiversByClientId.GetValueOrDefault(id)));

    /// <summary>Waits (bounded) until <paramref name="expected"/> deliveries arrived.</summary>
    public async Task WaitForAsync(long expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Delivered < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20);
        }
    }
}
