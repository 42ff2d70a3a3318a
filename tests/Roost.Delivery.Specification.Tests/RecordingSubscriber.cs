using System.Text;
using Roost.Core.Delivery;

namespace Roost.Delivery.Specification.Tests;

/// <summary>A frame as a connection got it: cursor, previous cursor and body.</summary>
public readonly record struct Received(long Cursor, long PreviousCursor, string Body);

/// <summary>A connection that keeps what it is given; safe to read from the test while a bus delivers on its own thread.</summary>
public sealed class RecordingSubscriber(long accountId, long deviceId) : ISubscriber
{
    private readonly Lock _gate = new();
    private readonly List<OutboundFrame> _frames = [];
    private readonly List<DisconnectReason> _disconnects = [];

    public long AccountId => accountId;

    public long DeviceId => deviceId;

    public IReadOnlyList<OutboundFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public IReadOnlyList<Received> Received => [.. Frames.Select(f => new Received(f.Cursor, f.PreviousCursor, Encoding.UTF8.GetString(f.Bytes.Span)))];

    public IReadOnlyList<DisconnectReason> Disconnects
    {
        get
        {
            lock (_gate)
            {
                return [.. _disconnects];
            }
        }
    }

    public int CatchUps { get; private set; }

    public bool TryEnqueue(OutboundFrame frame)
    {
        lock (_gate)
        {
            _frames.Add(frame);
        }

        return true;
    }

    public void CatchUp()
    {
        lock (_gate)
        {
            CatchUps++;
        }
    }

    public void Disconnect(DisconnectReason reason)
    {
        lock (_gate)
        {
            _disconnects.Add(reason);
        }
    }
}
