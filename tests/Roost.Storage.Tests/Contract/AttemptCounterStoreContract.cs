using System.Globalization;
using Roost.Core.RateLimiting;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's attempt counters must do: count to the limit, refuse with the wait, start over when the window ends, stay atomic under parallel takes, and survive a restart.</summary>
public abstract class AttemptCounterStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private static readonly AttemptWindow ThreePerMinute = new(3, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Takes_are_allowed_up_to_the_limit_then_refused_with_the_wait_until_the_window_ends()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AttemptTake.Granted, await TakeAsync("account:alice", ThreePerMinute));
            Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(new AttemptTake(false, TimeSpan.FromSeconds(30)), await TakeAsync("account:alice", ThreePerMinute));
        Assert.Equal(new AttemptTake(false, TimeSpan.FromSeconds(30)), await TakeAsync("account:alice", ThreePerMinute));
    }

    [Fact]
    public async Task A_new_window_starts_once_the_old_one_has_ended()
    {
        for (var i = 0; i < 3; i++)
        {
            await TakeAsync("account:alice", ThreePerMinute);
        }

        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False((await TakeAsync("account:alice", ThreePerMinute)).Allowed);

        Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await TakeAsync("account:alice", ThreePerMinute)).Allowed);
        }

        Assert.Equal(new AttemptTake(false, TimeSpan.FromMinutes(1)), await TakeAsync("account:alice", ThreePerMinute));
    }

    [Fact]
    public async Task Keys_are_counted_apart()
    {
        for (var i = 0; i < 3; i++)
        {
            await TakeAsync("account:alice", ThreePerMinute);
        }

        Assert.False((await TakeAsync("account:alice", ThreePerMinute)).Allowed);
        Assert.True((await TakeAsync("account:bob", ThreePerMinute)).Allowed);
        Assert.True((await TakeAsync("network:10.0.0.1|alice", ThreePerMinute)).Allowed);
    }

    [Fact]
    public async Task Parallel_takes_never_pass_the_limit()
    {
        var limit = new AttemptWindow(10, TimeSpan.FromMinutes(15));

        var takes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => TakeAsync("account:hot", limit)))).DefaultTimeout();

        Assert.Equal(10, takes.Count(t => t.Allowed));
        Assert.All(takes.Where(t => !t.Allowed), t => Assert.Equal(TimeSpan.FromMinutes(15), t.RetryAfter));
    }

    [Fact]
    public async Task Counts_survive_a_restart_of_the_store()
    {
        for (var i = 0; i < 3; i++)
        {
            await TakeAsync("account:alice", ThreePerMinute);
        }

        await ReopenAsync();

        Assert.Equal(new AttemptTake(false, TimeSpan.FromMinutes(1)), await TakeAsync("account:alice", ThreePerMinute));
    }

    [Fact]
    public async Task Two_stores_on_the_same_data_share_the_counts()
    {
        await using var other = await Engine.OpenAsync(Time).DefaultTimeout();
        await TakeAsync("account:alice", ThreePerMinute);
        await other.Counters.TryTakeAsync("account:alice", ThreePerMinute, Time.GetUtcNow(), None).DefaultTimeout();
        await TakeAsync("account:alice", ThreePerMinute);

        Assert.False((await other.Counters.TryTakeAsync("account:alice", ThreePerMinute, Time.GetUtcNow(), None).DefaultTimeout()).Allowed);
    }

    [Fact]
    public async Task Pruning_deletes_only_windows_that_have_ended_and_a_pruned_key_starts_afresh()
    {
        for (var i = 0; i < 3; i++)
        {
            await TakeAsync("account:short", ThreePerMinute);
        }

        await TakeAsync("account:long", new AttemptWindow(3, TimeSpan.FromHours(1)));
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await Store.Counters.DeleteEndedAsync(Time.GetUtcNow(), 100, None).DefaultTimeout());
        Assert.Equal(0, await Store.Counters.DeleteEndedAsync(Time.GetUtcNow(), 100, None).DefaultTimeout());
        Assert.True((await TakeAsync("account:short", ThreePerMinute)).Allowed);
    }

    [Fact]
    public async Task Pruning_deletes_at_most_the_rows_it_is_asked_to()
    {
        for (var i = 0; i < 5; i++)
        {
            await TakeAsync("account:user" + i.ToString(CultureInfo.InvariantCulture), ThreePerMinute);
        }

        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, await Store.Counters.DeleteEndedAsync(Time.GetUtcNow(), 2, None).DefaultTimeout());
        Assert.Equal(3, await Store.Counters.DeleteEndedAsync(Time.GetUtcNow(), 100, None).DefaultTimeout());
    }

    [Fact]
    public async Task A_key_longer_than_the_maximum_is_refused_before_the_store_is_touched()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => TakeAsync(new string('k', FixedWindowRule.MaxKeyLength + 1), ThreePerMinute));
    }

    private Task<AttemptTake> TakeAsync(string key, AttemptWindow limit) =>
        Store.Counters.TryTakeAsync(key, limit, Time.GetUtcNow(), None).DefaultTimeout();
}
