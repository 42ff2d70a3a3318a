using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Storage;
using Roost.Storage.Sqlite;
using Roost.Storage.Tests.Contract;
using Roost.Testing;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The report store contract on the embedded SQLite engine.</summary>
public sealed class SqliteReportStoreContractTests : ReportStoreContractTests
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override async Task<IRoostStore> OpenAsync()
    {
        var store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory.Path, MaxWriteBatch = 64 }, new ManualTimeProvider(Now), NullLogger<SqliteStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
