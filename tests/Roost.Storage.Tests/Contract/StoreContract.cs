using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// The base of every contract suite: a store on <typeparamref name="TEngine"/> with a manual clock, reopened on the
/// same data when a test asks. A suite is an abstract class deriving from this; each engine seals it once
/// (<c>public sealed class SqliteXxxContract : XxxContract&lt;SqliteEngine&gt;</c>).
/// </summary>
public abstract class StoreContract<TEngine> : IAsyncLifetime
    where TEngine : StoreEngine, new()
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly CancellationToken None = CancellationToken.None;

    protected TEngine Engine { get; } = new();

    protected ManualTimeProvider Time { get; } = new(Now);

    protected IRoostStore Store { get; private set; } = null!;

    /// <summary>Told of every event the store commits; null when a suite does not listen.</summary>
    protected virtual ICommittedEventListener? Listener => null;

    public virtual async ValueTask InitializeAsync() => Store = await Engine.OpenAsync(Time, Listener).DefaultTimeout();

    /// <summary>Closes the store and opens a new one on the same data, as a restart would.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await Engine.OpenAsync(Time, Listener).DefaultTimeout();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Engine.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
