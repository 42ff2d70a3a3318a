using System.Threading.Channels;
using Roost.Core.Delivery;

namespace Roost.Core.Tests.Allocation;

/// <summary>A live connection minus the socket: a bounded outbox like the gateway's, emptied by the test.</summary>
internal sealed class OutboxSubscriber(long accountId) : ISubscriber
{
    private readonly Channel<OutboundFrame> _outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(1024) { SingleReader = true });

    public long AccountId => accountId;

    public long DeviceId => accountId;

    public int Disconnects { get; private set; }

    public bool TryEnqueue(OutboundFrame frame) => _outbox.Writer.TryWrite(frame);

    public void CatchUp()
    {
    }

    public void Disconnect(DisconnectReason reason) => Disconnects++;

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
