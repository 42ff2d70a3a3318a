using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Storage.Sqlite;

namespace Roost.Benchmarks;

/// <summary>A real SQLite store in a fresh temp folder with two accounts and their direct conversation.</summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly string _directory;

    private BenchStore(string directory, SqliteStore store)
    {
        _directory = directory;
        Store = store;
    }

    public SqliteStore Store { get; }

    public long AliceId { get; private set; }

    public long BobId { get; private set; }

    public long ConversationId { get; private set; }

    public static async Task<BenchStore> OpenAsync(ICommittedEventListener? listener = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "roost-bench-" + Guid.NewGuid().ToString("N"));
        var store = new SqliteStore(new SqliteStoreOptions { DataDirectory = directory }, TimeProvider.System, NullLogger<SqliteStore>.Instance, listener);
        var bench = new BenchStore(directory, store);
        await store.InitializeAsync(CancellationToken.None);
        var alice = await store.Accounts.CreateAsync(new NewAccount("alice", "alice", "x", "Alice", DateTimeOffset.UtcNow), CancellationToken.None);
        var bob = await store.Accounts.CreateAsync(new NewAccount("bob", "bob", "x", "Bob", DateTimeOffset.UtcNow), CancellationToken.None);
        bench.AliceId = alice!.Id;
        bench.BobId = bob!.Id;
        bench.ConversationId = (await store.Conversations.GetOrCreateDirectAsync(alice.Id, bob.Id, DateTimeOffset.UtcNow, CancellationToken.None)).Value.Conversation.Id;
        return bench;
    }

    /// <summary>Runs <paramref name="count"/> calls of <paramref name="one"/>, <paramref name="concurrency"/> at a time.</summary>
    public static Task InParallelAsync(int concurrency, int count, Func<Task> one) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = 0; i < count / concurrency; i++)
            {
                await one();
            }
        }));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
