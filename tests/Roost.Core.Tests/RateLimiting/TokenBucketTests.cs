using Roost.Core.RateLimiting;

namespace Roost.Core.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private static readonly BucketLimit FivePerSecondBurstTen = new() { Rate = 5, Period = TimeSpan.FromSeconds(1), Burst = 10 };

    [Fact]
    public void A_full_bucket_allows_its_burst_then_says_how_long_to_wait()
    {
        var bucket = new TokenBucket(FivePerSecondBurstTen, now: 0);

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(bucket.TryTake(1, 0));
        }

        var wait = bucket.TryTake(1, 0);
        Assert.NotNull(wait);
        Assert.Equal(TimeSpan.FromMilliseconds(200), wait!.Value);
    }

    [Fact]
    public void Tokens_refill_at_the_rate_and_never_beyond_the_burst()
    {
        var bucket = new TokenBucket(FivePerSecondBurstTen, now: 0);
        for (var i = 0; i < 10; i++)
        {
            bucket.TryTake(1, 0);
        }

        Assert.Null(bucket.TryTake(1, TimeSpan.FromMilliseconds(200).Ticks));
        Assert.NotNull(bucket.TryTake(1, TimeSpan.FromMilliseconds(200).Ticks));

        var muchLater = TimeSpan.FromHours(1).Ticks;
        Assert.True(bucket.IsFull(muchLater));
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(bucket.TryTake(1, muchLater));
        }

        Assert.NotNull(bucket.TryTake(1, muchLater));
    }

    [Fact]
    public void A_refused_take_takes_nothing_and_a_refund_gives_tokens_back()
    {
        var bucket = new TokenBucket(FivePerSecondBurstTen, now: 0);

        Assert.NotNull(bucket.TryTake(11, 0));
        Assert.Null(bucket.TryTake(10, 0));
        bucket.Refund(4);
        Assert.Null(bucket.TryTake(4, 0));
        Assert.NotNull(bucket.TryTake(1, 0));
    }

    [Fact]
    public void A_clock_that_steps_back_refills_nothing()
    {
        var bucket = new TokenBucket(FivePerSecondBurstTen, now: TimeSpan.FromSeconds(10).Ticks);
        Assert.Null(bucket.TryTake(10, TimeSpan.FromSeconds(10).Ticks));

        Assert.NotNull(bucket.TryTake(1, 0));
    }

    [Fact]
    public void A_table_past_its_capacity_forgets_idle_buckets_and_keeps_busy_ones()
    {
        var table = new BucketTable<long>(FivePerSecondBurstTen, capacity: 2);
        table.Get(1, 0).TryTake(10, 0);
        table.Get(2, 0).TryTake(1, 0);

        // Two seconds later account 2 has refilled (idle) and account 1 has not: a third key evicts only 2.
        var later = TimeSpan.FromSeconds(1).Ticks;
        table.Get(3, later);

        Assert.Equal(2, table.Count);
        Assert.NotNull(table.Get(1, later).TryTake(6, later));
    }
}
