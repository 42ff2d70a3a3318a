using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Storage.Tests.Engines;

/// <summary>
/// One store engine as the contract suites see it: it opens stores on data of its own (a fresh database the first
/// time, the same data on every later call, so a suite can reopen or run two stores side by side) and removes that
/// data when disposed. Each contract suite is written once against this and derived once per engine.
/// </summary>
public abstract class StoreEngine : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Opens and initializes a store on this engine's data.</summary>
    public abstract Task<IRoostStore> OpenAsync(TimeProvider time, ICommittedEventListener? listener = null);

    public abstract ValueTask DisposeAsync();
}
