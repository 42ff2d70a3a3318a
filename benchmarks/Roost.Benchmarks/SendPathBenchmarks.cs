using BenchmarkDotNet.Attributes;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.RateLimiting;

namespace Roost.Benchmarks;

/// <summary>
/// One 1:1 send below the socket, as the gateway runs it: <see cref="MessagingService.SendAsync"/> (validation, rate
/// limits) → the batching SQLite writer (durable, synchronous=FULL) → <see cref="EventRouter"/> → the outboxes of both
/// members' connections. <see cref="Concurrency"/> sends in flight share commits, as in <see cref="StoreAppendBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class SendPathBenchmarks
{
    private const int MessagesPerInvocation = 1024;
    private const string Body = "0123456789012345678901234567890123456789012345678901234567890123";

    // Out of the way: the benchmark measures the path, not the limits.
    private static readonly BucketLimit Unlimited = new() { Rate = 1e12, Burst = 1e12 };

    private readonly EventRouter _router = new();
    private BenchStore _bench = null!;
    private MessagingService _messaging = null!;
    private OutboxSubscriber[] _subscribers = null!;
    private long _next;

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await BenchStore.OpenAsync(_router);
        var limits = new SendLimits { MessagesPerAccount = Unlimited, BytesPerAccount = Unlimited, MessagesPerConversation = Unlimited };
        _messaging = new MessagingService(_bench.Store, TimeProvider.System, new MessagingLimits(), new MessageRateLimiter(limits, TimeProvider.System));

        // Every frame of one invocation fits: each member's outbox is drained after it.
        _subscribers = [new OutboxSubscriber(_bench.AliceId, 2 * MessagesPerInvocation), new OutboxSubscriber(_bench.BobId, 2 * MessagesPerInvocation)];
        foreach (var subscriber in _subscribers)
        {
            _router.Subscribe(subscriber);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _bench.DisposeAsync();

    /// <summary>1,024 sends per invocation; divide the reported time by 1,024 for the cost of one.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvocation)]
    public async Task Send()
    {
        await BenchStore.InParallelAsync(Concurrency, MessagesPerInvocation, async () =>
        {
            var id = Interlocked.Increment(ref _next);
            var outcome = await _messaging.SendAsync(_bench.AliceId, _bench.ConversationId, "m" + id, Body, null, CancellationToken.None);
            if (!outcome.IsSuccess)
            {
                throw new InvalidOperationException(outcome.Error.Code);
            }
        });

        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Drain() != MessagesPerInvocation)
            {
                throw new InvalidOperationException("A member's connection missed an event.");
            }
        }
    }
}
