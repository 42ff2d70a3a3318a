using System.Collections.Concurrent;

namespace Roost.Core.Sessions;

/// <summary>
/// Fixed windows in memory, on the injected clock. Bounded: past <see cref="MaxKeys"/> keys, ended windows are dropped,
/// then the oldest. Counts start over when the process restarts.
/// </summary>
public sealed class InMemoryLoginAttemptCounter(TimeProvider time) : ILoginAttemptCounter
{
    public const int MaxKeys = 200_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public bool TryTake(string key, AttemptWindow limit, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var now = time.GetUtcNow();
        if (_windows.Count >= MaxKeys && !_windows.ContainsKey(key))
        {
            Prune(now, limit.Window);
        }

        var window = _windows.GetOrAdd(key, _ => new Window(now));
        lock (window)
        {
            if (now - window.Start >= limit.Window)
            {
                window.Start = now;
                window.Count = 0;
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

    private void Prune(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, value) in _windows)
        {
            if (now - value.Start >= window)
            {
                _windows.TryRemove(key, out _);
            }
        }

        if (_windows.Count >= MaxKeys)
        {
            foreach (var key in _windows.OrderBy(w => w.Value.Start).Take(_windows.Count / 2).Select(w => w.Key).ToList())
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Count { get; set; }
    }
}
