namespace Roost.Server.Media;

/// <summary>Wakes this node's processor when an upload finished here (other nodes' uploads are found by polling).</summary>
internal sealed class MediaSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up covers every upload so far.
        }
    }

    public void Dispose() => _signal.Dispose();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
