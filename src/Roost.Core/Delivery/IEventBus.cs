namespace Roost.Core.Delivery;

/// <summary>
/// Carries hints between nodes: committed events, typing, revocations and presence changes. Never the truth: the
/// store is. A lost, repeated or reordered message costs a store read, never an event, because every event carries its
/// recipient's previous cursor and connections read the gap. A node receives only the topics it watches, and never its
/// own messages. Every method is quick and never throws: the bus queues, and drops (counted) rather than waits.
/// </summary>
public interface IEventBus : IAsyncDisposable
{
    /// <summary>Starts delivering this node's messages to <paramref name="receiver"/>. Returns once the attempt to connect ended; a bus that is away keeps trying.</summary>
    Task StartAsync(IBusReceiver receiver, CancellationToken cancellationToken);

    /// <summary>False while the bus cannot carry messages (connecting, or the broker is away): shown by /readyz.</summary>
    bool IsConnected { get; }

    /// <summary>A description for health checks and logs (no secrets).</summary>
    string Describe();

    /// <summary>Passes each recipient's copy of committed events to the other nodes. Called on the store's writer.</summary>
    void PublishEvents(IReadOnlyList<CommittedEvent> events);

    void Publish(BusMessage message);

    /// <summary>
    /// Starts receiving a topic. A bus on which this takes effect later (a broker's binding) calls
    /// <see cref="IBusReceiver.Resync"/> for the topic once it has, for what was published in between.
    /// </summary>
    void Watch(BusTopic topic);

    void Unwatch(BusTopic topic);
}

/// <summary>A node's side of the bus.</summary>
public interface IBusReceiver
{
    void Receive(BusMessage message);

    /// <summary>
    /// Messages about <paramref name="topic"/> (every topic, when null) may have been missed: the bus just began to carry
    /// it, or came back after being away. The receiver catches up from the store.
    /// </summary>
    void Resync(BusTopic? topic);
}
