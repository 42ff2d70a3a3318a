using BenchmarkDotNet.Attributes;
using Roost.Core.Messaging;

namespace Roost.Benchmarks;

/// <summary>
/// Appending 1:1 messages through the batching SQLite writer, durable (synchronous=FULL) before each task completes.
/// <see cref="Concurrency"/> sends in flight share commits: the per-message cost falls as batches grow.
/// </summary>
[MemoryDiagnoser]
public class StoreAppendBenchmarks
{
    private const int MessagesPerInvocation = 1024;
    private BenchStore _bench = null!;
    private long _next;

    [Params(1, 64)]
    public int Concurrency { get; set; }

    /// <summary>The recipient is offline with a push target: every append also queues (or raises) its push job.</summary>
    [Params(false, true)]
    public bool RecipientHasPushTarget { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await BenchStore.OpenAsync();
        if (RecipientHasPushTarget)
        {
            var device = await _bench.Store.Devices.CreateAsync(
                new Core.Sessions.NewDevice(_bench.BobId, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "phone", "ios", "password", DateTimeOffset.UtcNow, null), CancellationToken.None);
            await _bench.Store.Push.RegisterAsync(
                new Core.Push.PushTarget(device!.Id, _bench.BobId, Core.Push.PushPlatform.Apns, "a1b2c3", "com.example.roost", false, false, null, null, DateTimeOffset.UtcNow), CancellationToken.None);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _bench.DisposeAsync();

    /// <summary>1,024 appends per invocation; divide the reported time by 1,024 for the cost of one.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvocation)]
    public async Task Append()
    {
        await BenchStore.InParallelAsync(Concurrency, MessagesPerInvocation, async () =>
        {
            var id = Interlocked.Increment(ref _next);
            await _bench.Store.Messages.AppendAsync(
                new NewMessage(_bench.ConversationId, _bench.AliceId, "m" + id, "0123456789012345678901234567890123456789012345678901234567890123", null, DateTimeOffset.UtcNow),
                CancellationToken.None);
        });
    }
}
