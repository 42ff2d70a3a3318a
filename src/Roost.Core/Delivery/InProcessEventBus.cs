using System.Collections.Concurrent;

namespace Roost.Core.Delivery;

/// <summary>
/// Nodes in one process that share a bus: one for an instance in a box, several in the bus conformance tests. Members
/// are a copy-on-write array, so routing takes no lock; with one member a publish returns at once.
/// </summary>
public sealed class InProcessBusHub
{
    private readonly Lock _gate = new();
    private InProcessEventBus[] _members = [];

    internal InProcessEventBus[] Members => Volatile.Read(ref _members);

    /// <summary>For fault tests: while set, every message between members is lost, as a broker may lose them.</summary>
    public bool LosesMessages { get; set; }

    internal void Join(InProcessEventBus member)
    {
        lock (_gate)
        {
            _members = [.. _members, member];
        }
    }

    internal void Leave(InProcessEventBus member)
    {
        lock (_gate)
        {
            _members = [.. _members.Where(m => !ReferenceEquals(m, member))];
        }
    }
}

/// <summary>
/// The bus of nodes that share a process. Delivers synchronously on the publisher's thread, to the members that watch
/// the topic, never back to the publisher. The default: an instance in a box is one member alone, and publishing costs
/// one array read.
/// </summary>
public sealed class InProcessEventBus(InProcessBusHub hub) : IEventBus
{
    private readonly ConcurrentDictionary<BusTopic, byte> _watched = new();
    private IBusReceiver? _receiver;

    public InProcessEventBus()
        : this(new InProcessBusHub())
    {
    }

    public bool IsConnected => true;

    public string Describe() => "in-process";

    public Task StartAsync(IBusReceiver receiver, CancellationToken cancellationToken)
    {
        _receiver = receiver;
        hub.Join(this);
        return Task.CompletedTask;
    }

    public void PublishEvents(IReadOnlyList<CommittedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var members = hub.Members;
        if (members.Length < 2)
        {
            return;
        }

        foreach (var committed in events)
        {
            for (var i = 0; i < committed.Recipients.Length; i++)
            {
                var accountId = committed.Recipients[i];
                var message = new BusMessage(BusMessageKind.Event, accountId, committed.Frame, committed.Cursor, committed.PreviousCursorOf(i));
                Route(members, message);
            }
        }
    }

    public void Publish(BusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var members = hub.Members;
        if (members.Length >= 2)
        {
            Route(members, message);
        }
    }

    /// <summary>Takes effect at once and delivery is synchronous, so nothing published after this call is missed: no resync.</summary>
    public void Watch(BusTopic topic) => _watched.TryAdd(topic, 0);

    public void Unwatch(BusTopic topic) => _watched.TryRemove(topic, out _);

    public ValueTask DisposeAsync()
    {
        hub.Leave(this);
        return ValueTask.CompletedTask;
    }

    private void Route(InProcessEventBus[] members, BusMessage message)
    {
        if (hub.LosesMessages)
        {
            return;
        }

        var topic = message.Topic;
        foreach (var member in members)
        {
            if (!ReferenceEquals(member, this) && member._watched.ContainsKey(topic))
            {
                member._receiver?.Receive(message);
            }
        }
    }
}
