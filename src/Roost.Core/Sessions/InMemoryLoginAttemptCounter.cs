using System.Collections.Concurrent;

namespace Roost.Core.Sessions;

/// <summary>
/// Fixed windows in memory, on the injected clock. Bounded to <paramref name="capacity"/> keys: when full, windows
/// that ended (each by its own length) are dropped, then the lowest counts that are still below their limit. A window
/// at its limit (a lockout in force) is never dropped, so a flood of fresh usernames cannot lift anyone's lockout.
/// Counts start over when the process restarts.
/// </summary>
public sealed class InMemoryLoginAttemptCounter(TimeProvider time, int capacity = InMemoryLoginAttemptCounter.MaxKeys) : ILoginAttemptCounter
{
    public const int MaxKeys = 200_000;

    private readonly int _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private int _count;
    private int _pruning;

    public bool TryTake(string key, AttemptWindow limit, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_windows.TryGetValue(key, out var window))
            {
                if (Volatile.Read(ref _count) >= _capacity && !MakeRoom(now, out retryAfter))
                {
                    return false;
                }

                var fresh = new Window(now, limit);
                if (!_windows.TryAdd(key, fresh))
                {
                    continue;
                }

                Interlocked.Increment(ref _count);
                window = fresh;
            }

            lock (window)
            {
                // Pruned between the lookup and the lock: count against the key's new window instead.
                if (window.Removed)
                {
                    continue;
                }

                if (window.HasEnded(now))
                {
                    window.Restart(now, limit);
                }

                if (window.Count >= limit.PermitLimit)
                {
                    retryAfter = window.Start + limit.Window - now;
                    return false;
                }

                window.Count++;
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }
    }

    /// <summary>
    /// Frees space for a new key; one caller at a time (the others go ahead and add theirs, so the table overshoots
    /// by at most the number of callers in flight). False, with the wait until the soonest window ends, when every
    /// key is at its limit: the new key is then refused, failing closed. Failing open (not counting the new key)
    /// would give whoever filled the table unlimited guesses at any other account; refusing costs an attacker
    /// <c>capacity</c> keys each driven to its limit within one window, and lasts only until the soonest one ends.
    /// </summary>
    private bool MakeRoom(DateTimeOffset now, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (Interlocked.CompareExchange(ref _pruning, 1, 0) != 0)
        {
            return true;
        }

        try
        {
            var live = new List<KeyValuePair<string, Window>>();
            foreach (var entry in _windows)
            {
                if (!TryRemove(entry, w => w.HasEnded(now)))
                {
                    live.Add(entry);
                }
            }

            if (Volatile.Read(ref _count) < _capacity)
            {
                return true;
            }

            // Still full: drop the least-used windows that are below their limit, an eighth of the table at once so
            // the next new keys do not each pay for a sort.
            var target = Math.Max(1, _capacity / 8);
            foreach (var entry in live.Where(e => !e.Value.IsAtLimit).OrderBy(e => e.Value.Count).Take(target))
            {
                TryRemove(entry, w => !w.IsAtLimit);
            }

            if (Volatile.Read(ref _count) < _capacity)
            {
                return true;
            }

            retryAfter = live.Count == 0 ? TimeSpan.Zero : live.Min(e => EndOf(e.Value)) - now;
            return retryAfter <= TimeSpan.Zero;
        }
        finally
        {
            Volatile.Write(ref _pruning, 0);
        }
    }

    private static DateTimeOffset EndOf(Window window)
    {
        lock (window)
        {
            return window.End;
        }
    }

    /// <summary>Removes the entry when <paramref name="condition"/> holds under its lock, so no increment is lost.</summary>
    private bool TryRemove(KeyValuePair<string, Window> entry, Func<Window, bool> condition)
    {
        lock (entry.Value)
        {
            if (entry.Value.Removed || !condition(entry.Value))
            {
                return false;
            }

            entry.Value.Removed = true;
        }

        if (_windows.TryRemove(entry))
        {
            Interlocked.Decrement(ref _count);
        }

        return true;
    }

    /// <summary>One key's window, with its own length and limit (read and written under its lock).</summary>
    private sealed class Window(DateTimeOffset start, AttemptWindow limit)
    {
        public DateTimeOffset Start { get; private set; } = start;

        public AttemptWindow Limit { get; private set; } = limit;

        public int Count { get; set; }

        public bool Removed { get; set; }

        public DateTimeOffset End => Start + Limit.Window;

        public bool IsAtLimit => Count >= Limit.PermitLimit;

        public bool HasEnded(DateTimeOffset now) => now >= End;

        public void Restart(DateTimeOffset now, AttemptWindow limit)
        {
            Start = now;
            Limit = limit;
            Count = 0;
        }
    }
}
