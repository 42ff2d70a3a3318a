using Roost.Core.Delivery;

namespace Roost.Core.Presence;

/// <summary>
/// One connection's presence subscription: the accounts it watches, replaced by each subscribe and dropped for good
/// when the connection ends. The connection holds it; the watcher registry keeps its state, under its own lock.
/// </summary>
public sealed class PresenceSubscription(ISubscriber subscriber)
{
    private long _issued;

    public ISubscriber Subscriber => subscriber;

    /// <summary>The generation applied last; a replace with an older one lost the race to a later subscribe.</summary>
    internal long Applied { get; set; }

    /// <summary>The accounts watched now.</summary>
    internal long[] Watching { get; set; } = [];

    internal bool Closed { get; set; }

    /// <summary>Numbers a subscribe; taken in the order the connection sent them, so the last one sent is the one that stays.</summary>
    public long NextGeneration() => Interlocked.Increment(ref _issued);
}
