namespace Roost.Testing.Push;

/// <summary>What a receiver took in, in order, and a way to wait for the n-th without polling.</summary>
public sealed class Arrivals<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
            _waiters.RemoveAll(waiter => waiter.Count <= _items.Count && waiter.Done.TrySetResult());
        }
    }

    /// <summary>Completes once <paramref name="count"/> have arrived; fails after <see cref="TimeoutExtensions.Limit"/>.</summary>
    public Task WaitForAsync(int count)
    {
        lock (_gate)
        {
            if (_items.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TimeoutExtensions.Limit);
        }
    }
}
