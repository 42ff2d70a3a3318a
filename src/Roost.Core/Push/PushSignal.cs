using System.Threading.Channels;
using Roost.Core.Delivery;

namespace Roost.Core.Push;

/// <summary>
/// Wakes the push dispatcher: after a commit that queued pushes (it listens to the store's writer, so it is built
/// before the store, and the dispatcher that needs the store reads it) and when work comes free. Never waits.
/// </summary>
public sealed class PushSignal : ICommittedEventListener
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    public void OnCommitted(IReadOnlyList<CommittedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var committed in events)
        {
            if (committed.QueuedPushes)
            {
                Wake();
                return;
            }
        }
    }

    /// <summary>Completes when woken, or when <paramref name="cancellationToken"/> is cancelled (throws then).</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _wake.Reader.ReadAsync(cancellationToken);
}
