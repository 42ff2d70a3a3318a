using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Storage.Tests.Engines;

/// <summary>The embedded engine on a temporary data folder.</summary>
public sealed class SqliteEngine : StoreEngine
{
    private readonly TempDirectory _directory = new();

    public override string Name => "sqlite";

    public SqliteStoreOptions Options => new() { DataDirectory = _directory.Path, MaxWriteBatch = 64 };

    public override async Task<IRoostStore> OpenAsync(TimeProvider time, ICommittedEventListener? listener = null)
    {
        var store = new SqliteStore(Options, time, NullLogger<SqliteStore>.Instance, listener);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
