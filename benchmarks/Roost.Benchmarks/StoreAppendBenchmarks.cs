using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Accounts;
using Roost.Core.Messaging;
using Roost.Storage.Sqlite;

namespace Roost.Benchmarks;

/// <summary>
/// Appending 1:1 messages through the batching SQLite writer, durable (synchronous=FULL) before each task completes.
/// <see cref="Concurrency"/> sends in flight share commits: the per-message cost falls as batches grow.
/// </summary>
[MemoryDiagnoser]
public class StoreAppendBenchmarks
{
    private const int MessagesPerInvocation = 1024;
    private string _directory = null!;
    private SqliteStore _store = null!;
    private long _conversationId;
    private long _senderId;
    private long _next;

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "roost-bench-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory }, TimeProvider.System, NullLogger<SqliteStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
        var alice = await _store.Accounts.CreateAsync(new NewAccount("alice", "alice", "x", "Alice", DateTimeOffset.UtcNow), CancellationToken.None);
        var bob = await _store.Accounts.CreateAsync(new NewAccount("bob", "bob", "x", "Bob", DateTimeOffset.UtcNow), CancellationToken.None);
        _senderId = alice!.Id;
        _conversationId = (await _store.Conversations.GetOrCreateDirectAsync(alice.Id, bob!.Id, DateTimeOffset.UtcNow, CancellationToken.None)).Value.Conversation.Id;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>1,024 appends per invocation; divide the reported time by 1,024 for the cost of one.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvocation)]
    public async Task Append()
    {
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            for (var i = 0; i < MessagesPerInvocation / Concurrency; i++)
            {
                var id = Interlocked.Increment(ref _next);
                await _store.Messages.AppendAsync(
                    new NewMessage(_conversationId, _senderId, "m" + id, "0123456789012345678901234567890123456789012345678901234567890123", null, DateTimeOffset.UtcNow),
                    CancellationToken.None);
            }
        }));
    }
}
