using BenchmarkDotNet.Attributes;
using Roost.Core.Delivery;

namespace Roost.Benchmarks;

/// <summary>Routing one committed event to the outboxes of 1, 20 (a typical group), 100 or 1,000 local connections (one per recipient).</summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private EventRouter _router = null!;
    private CommittedEvent[] _events = null!;
    private OutboxSubscriber[] _subscribers = null!;

    [Params(1, 20, 100, 1000)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _router = new EventRouter();
        _subscribers = Enumerable.Range(1, Recipients).Select(i => new OutboxSubscriber(i)).ToArray();
        foreach (var subscriber in _subscribers)
        {
            _router.Subscribe(subscriber);
        }

        var recipients = Enumerable.Range(1, Recipients).Select(i => (long)i).ToArray();
        _events = [new CommittedEvent(1, recipients, new byte[200])];
    }

    [Benchmark]
    public void FanOut()
    {
        _router.OnCommitted(_events);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Drain();
        }
    }
}
