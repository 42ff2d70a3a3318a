namespace Roost.Core.Delivery;

/// <summary>Several listeners of the store's writer, told in order (the router first: delivery is the hot path).</summary>
public sealed class CommittedEventListeners(params ICommittedEventListener[] listeners) : ICommittedEventListener
{
    public void OnCommitted(IReadOnlyList<CommittedEvent> events)
    {
        foreach (var listener in listeners)
        {
            listener.OnCommitted(events);
        }
    }
}
