namespace Roost.Bus.RabbitMq;

/// <summary>
/// Drops a signed message seen before: each sender (one bus's run) numbers its messages in the order it publishes them,
/// and a queue keeps that order, so a message whose number is not above the last one taken from its sender is a
/// replay. A message sent more than <see cref="Window"/> from this node's clock is not applied either (the receiver
/// catches its topic up from the store instead), which bounds how long a sender is remembered. Nodes' clocks must
/// agree within the window (NTP).
/// </summary>
public sealed class ReplayGuard
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, (long Sequence, long SeenAtMs)> _senders = [];

    /// <summary>Whether to take the message (remembering its number), or it was seen before, or it is too old or new to tell.</summary>
    public ReplayVerdict Check(BusEnvelope envelope, long nowMs)
    {
        var window = (long)Window.TotalMilliseconds;
        lock (_gate)
        {
            if (_senders.TryGetValue(envelope.Sender, out var last) && envelope.Sequence <= last.Sequence)
            {
                return ReplayVerdict.Replayed;
            }

            if (Math.Abs(nowMs - envelope.SentAtMs) > window)
            {
                return ReplayVerdict.OutOfWindow;
            }

            _senders[envelope.Sender] = (envelope.Sequence, nowMs);
            if (_senders.Count > 1_024)
            {
                // Senders silent for twice the window can no longer get a message accepted with an old number.
                foreach (var (sender, seen) in _senders.Where(s => nowMs - s.Value.SeenAtMs > 2 * window).ToList())
                {
                    _senders.Remove(sender);
                }
            }

            return ReplayVerdict.Accepted;
        }
    }
}

public enum ReplayVerdict
{
    Accepted,

    /// <summary>Its number is not above the last taken from its sender: a replay, dropped.</summary>
    Replayed,

    /// <summary>
    /// Sent more than the window away from this node's clock: a genuine message that waited long in a slow node's
    /// queue, or a replay of an old one. Not applied; the receiver reads its topic from the store instead.
    /// </summary>
    OutOfWindow,
}
