using Roost.Core.Upstream;
using Roost.Testing;

namespace Roost.Core.Tests.Push;

public sealed class UpstreamGateTests
{
    [Fact]
    public async Task No_more_than_the_limit_are_in_flight_and_the_rest_wait_for_a_slot()
    {
        using var gate = new UpstreamGate(maxConcurrency: 3, ratePerPartition: 0, burst: 1, TimeProvider.System);
        var held = new List<UpstreamGate.Lease>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await gate.EnterAsync("p", CancellationToken.None).DefaultTimeout());
        }

        var fourth = gate.EnterAsync("p", CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);
        Assert.Equal(3, gate.InFlight);

        held[0].Dispose();
        var lease = await fourth.DefaultTimeout();
        Assert.Equal(3, gate.PeakInFlight);
        lease.Dispose();
        foreach (var other in held.Skip(1))
        {
            other.Dispose();
        }

        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task A_partition_over_its_rate_waits_and_another_partition_does_not()
    {
        var time = new ManualTimeProvider();
        using var gate = new UpstreamGate(maxConcurrency: 10, ratePerPartition: 1, burst: 2, time);
        (await gate.EnterAsync("busy", CancellationToken.None).DefaultTimeout()).Dispose();
        (await gate.EnterAsync("busy", CancellationToken.None).DefaultTimeout()).Dispose();

        using var cancel = new CancellationTokenSource();
        var third = gate.EnterAsync("busy", cancel.Token).AsTask();
        (await gate.EnterAsync("quiet", CancellationToken.None).DefaultTimeout()).Dispose();
        Assert.False(third.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third).DefaultTimeout();
    }
}
