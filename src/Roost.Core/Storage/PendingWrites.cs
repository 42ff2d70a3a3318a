using System.Threading.Channels;

namespace Roost.Core.Storage;

/// <summary>
/// The bounded queue in front of an engine's batching writer: callers queue operations (waiting while it is full, so
/// it never grows past its capacity), and the one writer takes everything waiting, up to a batch limit, at a time.
/// </summary>
public sealed class PendingWrites<TOperation>(int capacity)
    where TOperation : class
{
    private readonly Channel<TOperation> _channel = Channel.CreateBounded<TOperation>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Queues without waiting; false when the queue is full (or closed).</summary>
    public bool TryEnqueue(TOperation operation) => _channel.Writer.TryWrite(operation);

    /// <summary>Queues, waiting for room. Throws <see cref="ObjectDisposedException"/> once the store is shutting down.</summary>
    public async Task EnqueueAsync(TOperation operation, string owner, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(operation, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(owner, "The store is shutting down.");
        }
    }

    /// <summary>Waits for work and fills <paramref name="batch"/> with up to <paramref name="maxBatch"/> operations; false once closed and empty.</summary>
    public async Task<bool> NextBatchAsync(List<TOperation> batch, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var reader = _channel.Reader;
        if (!await reader.WaitToReadAsync())
        {
            return false;
        }

        while (batch.Count < maxBatch && reader.TryRead(out var operation))
        {
            batch.Add(operation);
        }

        return true;
    }

    /// <summary>Takes one operation still queued (for failing them when the writer stops).</summary>
    public bool TryTake(out TOperation operation) => _channel.Reader.TryRead(out operation!);

    /// <summary>Accepts no more operations; those queued are still taken.</summary>
    public void Close(Exception? failure = null) => _channel.Writer.TryComplete(failure);
}
