using Microsoft.Extensions.Logging.Abstractions;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Core.Tests;

/// <summary>A real embedded store in a temporary folder, for use-case tests that need durable state.</summary>
internal sealed class SqliteScope : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private SqliteScope(ManualTimeProvider time)
    {
        Time = time;
        Store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory.Path }, time, NullLogger<SqliteStore>.Instance);
    }

    public ManualTimeProvider Time { get; }

    public SqliteStore Store { get; }

    public static async Task<SqliteScope> OpenAsync()
    {
        var scope = new SqliteScope(new ManualTimeProvider());
        await scope.Store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return scope;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
