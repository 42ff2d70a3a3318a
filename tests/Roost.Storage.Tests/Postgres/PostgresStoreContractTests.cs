using Roost.Core.Storage;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>The account and device contract on the PostgreSQL engine.</summary>
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private readonly PostgresEngine _engine = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _engine.DisposeAsync();
    }

    protected override Task<IRoostStore> OpenAsync() => _engine.OpenAsync(new ManualTimeProvider(Now));
}
