namespace Roost.Core.Delivery;

/// <summary>A live device connection as the router sees it: somewhere to put frames without waiting.</summary>
public interface ISubscriber
{
    long AccountId { get; }

    long DeviceId { get; }

    /// <summary>Queues a frame for sending. False when the bounded outbox is full: the subscriber then closes itself and the client resyncs.</summary>
    bool TryEnqueue(OutboundFrame frame);

    /// <summary>
    /// Events for this account may have been missed (the bus was away, or this node just began to receive the
    /// account's messages): the connection reads its stream from the store after the last cursor it sent, and checks
    /// again that its session still exists. Never waits; a full outbox closes the connection instead.
    /// </summary>
    void CatchUp();

    /// <summary>Asks the connection to close, for example because its session was revoked.</summary>
    void Disconnect(DisconnectReason reason);
}

/// <summary>
/// A frame on its way out. <see cref="Cursor"/> is set for stream events (0 for everything else), so a connection can
/// skip what a sync already sent. <see cref="PreviousCursor"/> is the cursor of the recipient's event before this one
/// (0: none), so a connection that sent less than that knows it missed events and reads them from the store first;
/// <see cref="Unchained"/> when the engine hands every event over in cursor order and there is nothing to check.
/// </summary>
public readonly record struct OutboundFrame(long Cursor, ReadOnlyMemory<byte> Bytes, long PreviousCursor = OutboundFrame.Unchained)
{
    /// <summary>The previous cursor is not known, because it need not be: one writer publishes every event in order.</summary>
    public const long Unchained = -1;
}

public enum DisconnectReason
{
    SessionRevoked,
    Overflow,
    ServerStopping,
}
