using System.Globalization;
using Roost.Core.Sessions;
using Roost.Testing;

namespace Roost.Core.Tests.Sessions;

/// <summary>The counter's bound: a full table gives up ended and little-used windows, never a lockout in force.</summary>
public sealed class InMemoryLoginAttemptCounterTests
{
    private static readonly AttemptWindow Short = new(3, TimeSpan.FromMinutes(1));
    private static readonly AttemptWindow Long = new(3, TimeSpan.FromHours(1));
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_flood_of_fresh_keys_does_not_evict_a_lockout_in_force()
    {
        var counter = new InMemoryLoginAttemptCounter(_time, capacity: 10);
        LockOut(counter, "victim", Long);

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(counter.TryTake("flood " + i.ToString(CultureInfo.InvariantCulture), Long, out _));
        }

        Assert.False(counter.TryTake("victim", Long, out var retryAfter));
        Assert.Equal(Long.Window, retryAfter);
    }

    [Fact]
    public void Windows_end_by_their_own_length_not_the_callers()
    {
        var counter = new InMemoryLoginAttemptCounter(_time, capacity: 10);
        LockOut(counter, "victim", Long);
        _time.Advance(TimeSpan.FromMinutes(5));

        // Every short window ends; the long one (55 minutes left) must survive each prune they set off.
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                counter.TryTake("short " + round.ToString(CultureInfo.InvariantCulture) + "/" + i.ToString(CultureInfo.InvariantCulture), Short, out _);
                counter.TryTake("short " + round.ToString(CultureInfo.InvariantCulture) + "/" + i.ToString(CultureInfo.InvariantCulture), Short, out _);
            }

            _time.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.False(counter.TryTake("victim", Long, out _));
    }

    [Fact]
    public void When_every_window_is_at_its_limit_a_new_key_is_refused_until_the_soonest_ends()
    {
        var counter = new InMemoryLoginAttemptCounter(_time, capacity: 4);
        for (var i = 0; i < 4; i++)
        {
            LockOut(counter, "locked " + i.ToString(CultureInfo.InvariantCulture), Long);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.False(counter.TryTake("newcomer", Long, out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(56), retryAfter);

        _time.Advance(retryAfter);
        Assert.True(counter.TryTake("newcomer", Long, out _));
        Assert.False(counter.TryTake("locked 3", Long, out _));
    }

    [Fact]
    public void Parallel_takes_on_one_key_while_fresh_keys_force_pruning_never_exceed_its_limit()
    {
        var counter = new InMemoryLoginAttemptCounter(_time, capacity: 64);
        var limit = new AttemptWindow(50, TimeSpan.FromHours(1));
        var granted = 0;

        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (i % 2 == 0)
            {
                if (counter.TryTake("hot", limit, out _))
                {
                    Interlocked.Increment(ref granted);
                }
            }
            else
            {
                counter.TryTake("fresh " + i.ToString(CultureInfo.InvariantCulture), Short, out _);
            }
        });

        Assert.Equal(limit.PermitLimit, granted);
    }

    private static void LockOut(InMemoryLoginAttemptCounter counter, string key, AttemptWindow limit)
    {
        for (var i = 0; i < limit.PermitLimit; i++)
        {
            Assert.True(counter.TryTake(key, limit, out _));
        }
    }
}
