using Roost.Core.Delivery;

namespace Roost.Storage.Tests.Contract;

/// <summary>Remembers every committed event it is told of, in the order it was told.</summary>
public sealed class RecordingEventListener : ICommittedEventListener
{
    private readonly Lock _lock = new();
    private readonly List<CommittedEvent> _events = [];

    public IReadOnlyList<CommittedEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public void OnCommitted(IReadOnlyList<CommittedEvent> events)
    {
        lock (_lock)
        {
            _events.AddRange(events);
        }
    }
}
