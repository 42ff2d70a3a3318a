using System.Threading.Channels;
using Roost.Core.Delivery;

namespace Roost.Benchmarks;

/// <summary>A live connection as the router sees it, minus the socket: a bounded outbox like the gateway's, drained by the benchmark.</summary>
internal sealed class OutboxSubscriber(long accountId, int capacity = 1024) : ISubscriber
{
    private readonly Channel<OutboundFrame> _outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity) { SingleReader = true });

    public long AccountId => accountId;

    public long DeviceId => accountId;

    public bool TryEnqueue(OutboundFrame frame) => _outbox.Writer.TryWrite(frame);

    public void CatchUp()
    {
    }

    public void Disconnect(DisconnectReason reason)
    {
    }

    /// <summary>Empties the outbox; returns how many frames were in it.</summary>
    public int Drain()
    {
        var frames = 0;
        while (_outbox.Reader.TryRead(out _))
        {
            frames++;
        }

        return frames;
    }
}
