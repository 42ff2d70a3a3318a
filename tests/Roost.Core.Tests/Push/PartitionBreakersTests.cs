using Roost.Core.Push;
using Roost.Testing;

namespace Roost.Core.Tests.Push;

public sealed class PartitionBreakersTests
{
    private static readonly PushPartition Broken = new(PushPlatform.Apns, "production/com.broken.app");
    private static readonly PushPartition Healthy = new(PushPlatform.Apns, "production/com.healthy.app");

    [Fact]
    public void Consecutive_failures_open_only_their_partition_and_a_probe_after_the_open_time_closes_it()
    {
        var time = new ManualTimeProvider();
        var breakers = new PartitionBreakers(new PushPolicy { BreakerFailures = 3, BreakerOpenFor = TimeSpan.FromSeconds(30) }, time);
        var opened = new List<PushPartition>();
        breakers.Opened += (partition, _) => opened.Add(partition);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(breakers.TryPass(Broken, out _));
            breakers.Record(Broken, PushOutcome.PartitionFailed("503"));
        }

        Assert.Equal([Broken], opened);
        Assert.False(breakers.TryPass(Broken, out var retryAt));
        Assert.Equal(time.GetUtcNow().AddSeconds(30), retryAt);
        Assert.True(breakers.TryPass(Healthy, out _));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(breakers.TryPass(Broken, out _));
        Assert.Equal(BreakerState.HalfOpen, breakers.StateOf(Broken));
        Assert.False(breakers.TryPass(Broken, out _));

        breakers.Record(Broken, PushOutcome.Accepted);
        Assert.Equal(BreakerState.Closed, breakers.StateOf(Broken));
        Assert.True(breakers.TryPass(Broken, out _));
    }

    [Fact]
    public void A_failed_probe_reopens_at_once_and_answers_about_a_device_do_not_count()
    {
        var time = new ManualTimeProvider();
        var breakers = new PartitionBreakers(new PushPolicy { BreakerFailures = 2, BreakerOpenFor = TimeSpan.FromSeconds(10) }, time);
        breakers.Record(Broken, PushOutcome.PartitionFailed("503"));
        breakers.Record(Broken, PushOutcome.Gone("Unregistered"));
        breakers.Record(Broken, PushOutcome.PartitionFailed("503"));
        Assert.Equal(BreakerState.Closed, breakers.StateOf(Broken));

        breakers.Record(Broken, PushOutcome.PartitionFailed("503"));
        Assert.Equal(BreakerState.Open, breakers.StateOf(Broken));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breakers.TryPass(Broken, out _));
        breakers.Record(Broken, PushOutcome.PartitionFailed("503", TimeSpan.FromMinutes(2)));
        Assert.False(breakers.TryPass(Broken, out var retryAt));
        Assert.Equal(time.GetUtcNow().AddMinutes(2), retryAt);
        Assert.Equal("503", Assert.Single(breakers.Snapshot()).LastError);
    }
}
