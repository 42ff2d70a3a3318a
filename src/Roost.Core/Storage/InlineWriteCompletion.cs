namespace Roost.Core.Storage;

/// <summary>
/// Marks the writes a thread queues while a scope is open as having a short continuation that never blocks, so the
/// engine's writer completes them on its own thread instead of handing each completion to the thread pool: one
/// wake-up (and, on a busy core, one context switch) less per message. The gateway opens it around an operation,
/// whose continuation only builds the answer frame and queues it; anything else keeps asynchronous completions, so
/// a caller that reads or waits after its write never holds up the writer.
/// </summary>
public static class InlineWriteCompletion
{
    [ThreadStatic]
    private static bool t_active;

    /// <summary>True while a scope is open on this thread.</summary>
    public static bool IsActive => t_active;

    /// <summary>Opens a scope on this thread until the returned value is disposed (on the same thread, before any await).</summary>
    public static Scope Enter()
    {
        var outer = t_active;
        t_active = true;
        return new Scope(outer);
    }

    /// <summary>A ref struct: it cannot outlive the synchronous code that opened it (no await, no capture).</summary>
    public readonly ref struct Scope
    {
        private readonly bool _outer;

        internal Scope(bool outer) => _outer = outer;

        public void Dispose() => t_active = _outer;
    }
}
