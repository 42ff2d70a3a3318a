namespace Roost.Core.Delivery;

/// <summary>A live device connection as the router sees it: somewhere to put frames without waiting.</summary>
public interface ISubscriber
{
    long AccountId { get; }

    long DeviceId { get; }

    /// <summary>Queues a frame for sending. False when the bounded outbox is full: the subscriber then closes itself and the client resyncs.</summary>
    bool TryEnqueue(OutboundFrame frame);

    /// <summary>Asks the connection to close, for example because its session was revoked.</summary>
    void Disconnect(DisconnectReason reason);
}

/// <summary>A frame on its way out. <see cref="Cursor"/> is set for stream events (0 for everything else), so a connection can skip what a sync already sent.</summary>
public readonly record struct OutboundFrame(long Cursor, ReadOnlyMemory<byte> Bytes);

public enum DisconnectReason
{
    SessionRevoked,
    Overflow,
    ServerStopping,
}
