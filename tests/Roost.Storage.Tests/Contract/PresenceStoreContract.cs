using Roost.Core.Presence;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's presence store must do: last-seen times and the choice to hide them.</summary>
public abstract class PresenceStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    [Fact]
    public async Task A_new_account_was_never_seen_and_does_not_hide()
    {
        var alice = await Store.AccountAsync("alice", Now);

        var records = await Store.Presence.GetAsync([alice.Id], None).DefaultTimeout();

        Assert.Equal([new PresenceRecord(alice.Id, null, false)], records);
    }

    [Fact]
    public async Task The_last_seen_time_and_the_hidden_choice_are_kept_per_account()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        Time.Advance(TimeSpan.FromMinutes(3));

        await Store.Presence.SetLastSeenAsync(ids[0], Time.GetUtcNow(), None).DefaultTimeout();
        await Store.Presence.SetLastSeenAsync(ids[1], Now, None).DefaultTimeout();
        await Store.Presence.SetHiddenAsync(ids[1], true, None).DefaultTimeout();
        await Store.Presence.SetHiddenAsync(ids[2], true, None).DefaultTimeout();
        await Store.Presence.SetHiddenAsync(ids[2], false, None).DefaultTimeout();

        var records = await Store.Presence.GetAsync(ids, None).DefaultTimeout();

        Assert.Equal(
            [new PresenceRecord(ids[0], Time.GetUtcNow(), false), new PresenceRecord(ids[1], Now, true), new PresenceRecord(ids[2], null, false)],
            records.OrderBy(r => r.AccountId));
    }

    [Fact]
    public async Task A_later_last_seen_time_replaces_the_earlier_one()
    {
        var alice = await Store.AccountAsync("alice", Now);

        await Store.Presence.SetLastSeenAsync(alice.Id, Now, None).DefaultTimeout();
        await Store.Presence.SetLastSeenAsync(alice.Id, Now.AddHours(1), None).DefaultTimeout();

        Assert.Equal(Now.AddHours(1), Assert.Single(await Store.Presence.GetAsync([alice.Id], None).DefaultTimeout()).LastSeenAt);
    }

    [Fact]
    public async Task No_record_is_made_up_for_an_account_that_does_not_exist()
    {
        var alice = await Store.AccountAsync("alice", Now);
        var gone = await Store.AccountAsync("gone", Now);
        await Store.Accounts.DeleteAsync(gone.Id, Now, None).DefaultTimeout();

        var records = await Store.Presence.GetAsync([alice.Id, gone.Id, StoreFixtures.NoSuchId], None).DefaultTimeout();

        Assert.Equal([alice.Id], records.Select(r => r.AccountId));
        Assert.Empty(await Store.Presence.GetAsync([], None).DefaultTimeout());
    }

    [Fact]
    public async Task Presence_survives_reopening_the_store()
    {
        var alice = await Store.AccountAsync("alice", Now);
        await Store.Presence.SetLastSeenAsync(alice.Id, Now.AddMinutes(1), None).DefaultTimeout();
        await Store.Presence.SetHiddenAsync(alice.Id, true, None).DefaultTimeout();

        await ReopenAsync();

        Assert.Equal([new PresenceRecord(alice.Id, Now.AddMinutes(1), true)], await Store.Presence.GetAsync([alice.Id], None).DefaultTimeout());
    }
}
