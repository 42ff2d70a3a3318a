namespace Roost.Core.Delivery;

/// <summary>
/// An event that is durable in the store: its cursor, who must see it, and the ready-to-send frame
/// (<c>{"type":"event","cursor":N,"event":{…}}</c>), built once and shared by every recipient.
/// </summary>
public sealed record CommittedEvent(long Cursor, long[] Recipients, ReadOnlyMemory<byte> Frame);

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
