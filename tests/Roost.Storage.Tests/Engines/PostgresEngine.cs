using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Storage.Postgres;
using Roost.Testing;

namespace Roost.Storage.Tests.Engines;

/// <summary>The cluster engine on a database of its own on the test PostgreSQL server.</summary>
public sealed class PostgresEngine : StoreEngine
{
    private readonly TestPostgres _database = new();

    public override string Name => "postgres";

    public override async Task<IRoostStore> OpenAsync(TimeProvider time, ICommittedEventListener? listener = null)
    {
        // Several stores may share the database here: the concurrent-writers and migration tests run them side by side.
        var options = new PostgresStoreOptions { ConnectionString = await _database.CreateAsync(), MaxWriteBatch = 64, ExclusiveNode = false };
        var store = new PostgresStore(options, time, NullLogger<PostgresStore>.Instance, listener);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override ValueTask DisposeAsync() => _database.DisposeAsync();
}
