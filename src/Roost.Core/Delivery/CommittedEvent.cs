namespace Roost.Core.Delivery;

/// <summary>
/// An event that is durable in the store: its cursor, who must see it, and the ready-to-send frame
/// (<c>{"type":"event","cursor":N,"event":{…}}</c>), built once and shared by every recipient.
/// </summary>
public sealed record CommittedEvent(long Cursor, long[] Recipients, ReadOnlyMemory<byte> Frame)
{
    /// <summary>
    /// For each of <see cref="Recipients"/>, the cursor of that account's event before this one (0: none). Set by an
    /// engine where several writers commit (PostgreSQL): events then reach a connection from several nodes, in any
    /// order, and a connection uses this to see a gap. Null when one writer publishes everything in cursor order.
    /// </summary>
    public long[]? PreviousCursors { get; init; }

    /// <summary>Whether the same transaction queued pushes for it (the push dispatcher is woken only then).</summary>
    public bool QueuedPushes { get; init; }

    /// <summary>The previous cursor of the recipient at <paramref name="index"/>, or <see cref="OutboundFrame.Unchained"/>.</summary>
    public long PreviousCursorOf(int index) => PreviousCursors is { } previous ? previous[index] : OutboundFrame.Unchained;
}

/// <summary>An event read back from the store during a sync.</summary>
public readonly record struct StoredEvent(long Cursor, ReadOnlyMemory<byte> Frame);

/// <summary>
/// Told about committed events, in commit order, right after each commit and before any caller is acknowledged.
/// Runs on the store's writer: it must not block or throw.
/// </summary>
public interface ICommittedEventListener
{
    void OnCommitted(IReadOnlyList<CommittedEvent> events);
}
