using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Protocol.Events;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// What every engine's event streams must do: each event reaches exactly its audience, streams read back in cursor
/// order, the committed-event listener hears of every commit once and of nothing else, and compaction moves a horizon.
/// </summary>
public abstract class EventStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private readonly RecordingEventListener _listener = new();

    protected override ICommittedEventListener? Listener => _listener;

    [Fact]
    public async Task A_new_message_reaches_every_current_member_the_sender_included_and_nobody_else()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        await Store.RemoveAsync(group, ids[2], ids[2], Now);

        var seq = await Store.SendAsync(group, ids[0], Now, "hello");

        Assert.Equal([ids[0], ids[1]], await AudienceAsync<MessageCreatedEvent>(ids, e => e.Message.Seq == seq));
        var created = (await Store.EventsAsync<MessageCreatedEvent>(ids[1])).Single();
        Assert.Equal((group, seq, ids[0], "hello", ConversationKinds.Group), (created.Message.ConversationId, created.Message.Seq, created.Message.SenderId, created.Message.Body, created.ConversationKind));
    }

    [Fact]
    public async Task A_new_conversation_reaches_each_of_its_members()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");

        var direct = await Store.DirectAsync(ids[0], ids[1], Now);
        var group = await Store.GroupAsync(ids[2], [ids[0], ids[1]], Now);

        Assert.Equal([ids[0], ids[1]], await AudienceAsync<ConversationCreatedEvent>(ids, e => e.ConversationId == direct));
        Assert.Equal([ids[0], ids[1], ids[2]], await AudienceAsync<ConversationCreatedEvent>(ids, e => e.ConversationId == group));
        var created = (await Store.EventsAsync<ConversationCreatedEvent>(ids[0])).Single(e => e.ConversationId == group);
        Assert.Equal((ConversationKinds.Group, "Room", ids[2], 3), (created.Kind, created.Title, created.CreatedBy, created.Members.Count));
    }

    [Fact]
    public async Task A_new_member_and_the_current_members_hear_of_the_addition_with_the_first_seq_it_sees()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[3]], Now);
        await Store.SendAsync(group, ids[0], Now);
        await Store.SendAsync(group, ids[0], Now);
        await Store.RemoveAsync(group, ids[3], ids[3], Now);

        await Store.AddAsync(group, ids[0], ids[2], Now);

        Assert.Equal([ids[0], ids[1], ids[2]], await AudienceAsync<MemberAddedEvent>(ids, e => e.Member.AccountId == ids[2]));
        var added = (await Store.EventsAsync<MemberAddedEvent>(ids[2])).Single();
        Assert.Equal((group, ids[0], 3L), (added.ConversationId, added.By, added.FromSeq));
    }

    [Fact]
    public async Task A_removal_reaches_every_member_before_it_and_the_removed_member_hears_nothing_more()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var (alice, bob, carol) = (ids[0], ids[1], ids[2]);
        var group = await Store.GroupAsync(alice, [bob, carol], Now);

        await Store.RemoveAsync(group, alice, bob, Now);
        await Store.RemoveAsync(group, carol, carol, Now);
        var bobsLast = (await Store.EventsAsync(bob))[^1].Cursor;
        var carolsLast = (await Store.EventsAsync(carol))[^1].Cursor;
        await Store.SendAsync(group, alice, Now);
        (await Store.Conversations.RenameAsync(group, alice, "Alone", Now, None).DefaultTimeout()).Succeeded();

        Assert.Equal([alice, bob, carol], await AudienceAsync<MemberRemovedEvent>(ids, e => e.AccountId == bob));
        Assert.Equal([alice, carol], await AudienceAsync<MemberRemovedEvent>(ids, e => e.AccountId == carol));
        var removed = (await Store.EventsAsync<MemberRemovedEvent>(bob)).Single();
        var left = (await Store.EventsAsync<MemberRemovedEvent>(carol)).Single(e => e.AccountId == carol);
        Assert.Equal((group, alice, "removed"), (removed.ConversationId, removed.By, removed.Reason));
        Assert.Equal((group, carol, "left"), (left.ConversationId, left.By, left.Reason));
        Assert.Empty(await Store.EventsAsync(bob, bobsLast));
        Assert.Empty(await Store.EventsAsync(carol, carolsLast));
    }

    [Fact]
    public async Task Edits_deletes_and_reactions_reach_only_the_current_members_who_can_see_the_message()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol, dave) = (ids[0], ids[1], ids[2], ids[3]);
        var group = await Store.GroupAsync(alice, [bob, dave], Now);
        var early = await Store.SendAsync(group, alice, Now);
        await Store.AddAsync(group, alice, carol, Now);
        var late = await Store.SendAsync(group, alice, Now);
        await Store.RemoveAsync(group, dave, dave, Now);

        (await Store.Messages.EditAsync(group, early, alice, "early, edited", Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.EditAsync(group, late, alice, "late, edited", Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.ReactAsync(group, early, bob, "👍", Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.ReactAsync(group, late, carol, "🎉", Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.DeleteAsync(group, early, alice, Now, None).DefaultTimeout()).Succeeded();
        (await Store.Messages.DeleteAsync(group, late, alice, Now, None).DefaultTimeout()).Succeeded();

        Assert.Equal([alice, bob], await AudienceAsync<MessageEditedEvent>(ids, e => e.Seq == early));
        Assert.Equal([alice, bob, carol], await AudienceAsync<MessageEditedEvent>(ids, e => e.Seq == late));
        Assert.Equal([alice, bob], await AudienceAsync<ReactionEvent>(ids, e => e.Seq == early));
        Assert.Equal([alice, bob, carol], await AudienceAsync<ReactionEvent>(ids, e => e.Seq == late));
        Assert.Equal([alice, bob], await AudienceAsync<MessageDeletedEvent>(ids, e => e.Seq == early));
        Assert.Equal([alice, bob, carol], await AudienceAsync<MessageDeletedEvent>(ids, e => e.Seq == late));
        var edit = (await Store.EventsAsync<MessageEditedEvent>(bob)).Single(e => e.Seq == late);
        Assert.Equal((group, "late, edited", Now), (edit.ConversationId, edit.Body, edit.EditedAt));
        var reaction = (await Store.EventsAsync<ReactionEvent>(alice)).Single(e => e.Seq == early);
        Assert.Equal((bob, "👍"), (reaction.AccountId, reaction.Emoji));
    }

    [Fact]
    public async Task Receipts_renames_and_role_changes_reach_every_current_member()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var (alice, bob, carol) = (ids[0], ids[1], ids[2]);
        var group = await Store.GroupAsync(alice, [bob, carol], Now);
        await Store.SendAsync(group, alice, Now);
        await Store.RemoveAsync(group, carol, carol, Now);

        (await Store.Messages.MarkAsync(group, bob, ReceiptKinds.Read, 1, Now, None).DefaultTimeout()).Succeeded();
        (await Store.Conversations.RenameAsync(group, alice, "Renamed", Now, None).DefaultTimeout()).Succeeded();
        await Store.SetRoleAsync(group, alice, bob, MemberRoles.Admin, Now);

        Assert.Equal([alice, bob], await AudienceAsync<ReceiptEvent>(ids, _ => true));
        Assert.Equal([alice, bob], await AudienceAsync<ConversationRenamedEvent>(ids, _ => true));
        Assert.Equal([alice, bob], await AudienceAsync<MemberRoleChangedEvent>(ids, _ => true));
        var receipt = (await Store.EventsAsync<ReceiptEvent>(alice)).Single();
        Assert.Equal((group, bob, ReceiptKinds.Read, 1L), (receipt.ConversationId, receipt.AccountId, receipt.Kind, receipt.Seq));
        var role = (await Store.EventsAsync<MemberRoleChangedEvent>(alice)).Single();
        Assert.Equal((bob, MemberRoles.Admin, alice), (role.AccountId, role.Role, role.By));
    }

    [Fact]
    public async Task A_transfer_of_ownership_tells_every_current_member_of_both_role_changes()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);

        await Store.SetRoleAsync(group, ids[0], ids[1], MemberRoles.Owner, Now);

        foreach (var id in ids)
        {
            var changes = await Store.EventsAsync<MemberRoleChangedEvent>(id);
            Assert.Equal([(ids[0], MemberRoles.Admin), (ids[1], MemberRoles.Owner)], changes.Select(c => (c.AccountId, c.Role)).Order());
        }
    }

    [Fact]
    public async Task A_stream_reads_in_strictly_increasing_cursor_order_and_pages_without_gaps_or_duplicates()
    {
        var (alice, bob, group) = await GroupAsync();
        var other = await Store.GroupAsync(bob, [], Now);
        for (var i = 0; i < 30; i++)
        {
            await Store.SendAsync(i % 3 == 0 ? other : group, bob, Now);
        }

        var whole = await Store.Events.ReadAfterAsync(alice, 0, 1000, None).DefaultTimeout();
        var paged = new List<StoredEvent>();
        var cursor = 0L;
        while (await Store.Events.ReadAfterAsync(alice, cursor, 7, None).DefaultTimeout() is { Count: > 0 } page)
        {
            Assert.True(page.Count <= 7);
            paged.AddRange(page);
            cursor = page[^1].Cursor;
        }

        Assert.Equal(1 + 20, whole!.Count);
        Assert.Equal(whole.Select(e => e.Cursor), paged.Select(e => e.Cursor));
        Assert.Equal(whole.Select(e => EventFrames.ToText(e.Frame)), paged.Select(e => EventFrames.ToText(e.Frame)));
        Assert.All(whole.Zip(whole.Skip(1)), pair => Assert.True(pair.First.Cursor < pair.Second.Cursor));
        Assert.All(whole, e => StoreFixtures.Parse(e.Cursor, e.Frame));
    }

    [Fact]
    public async Task The_head_cursor_is_at_least_every_cursor_and_only_rises()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var heads = new List<long> { await HeadAsync() };
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        heads.Add(await HeadAsync());
        await Store.SendAsync(group, ids[1], Now);
        heads.Add(await HeadAsync());
        await Store.DirectAsync(ids[1], ids[2], Now);
        heads.Add(await HeadAsync());

        Assert.All(heads.Zip(heads.Skip(1)), pair => Assert.True(pair.First < pair.Second));
        foreach (var id in ids)
        {
            Assert.All(await Store.EventsAsync(id), e => Assert.True(e.Cursor <= heads[^1]));
        }

        Assert.Equal(heads[^1], Math.Max((await Store.EventsAsync(ids[1]))[^1].Cursor, (await Store.EventsAsync(ids[2]))[^1].Cursor));
    }

    [Fact]
    public async Task A_sync_from_the_head_cursor_receives_exactly_the_later_events()
    {
        var (alice, bob, group) = await GroupAsync();
        await Store.SendAsync(group, bob, Now, "before");
        var head = await HeadAsync();

        await Store.SendAsync(group, bob, Now, "after");

        var later = await Store.EventsAsync(alice, head);
        Assert.Equal(["after"], later.Select(e => ((MessageCreatedEvent)e.Event).Message.Body));
    }

    [Fact]
    public async Task The_listener_hears_of_each_write_before_its_task_completes()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");

        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        var afterCreate = _listener.Events;
        var seq = await Store.SendAsync(group, ids[1], Now, "told first");
        var afterSend = _listener.Events;

        var created = Assert.Single(afterCreate);
        Assert.IsType<ConversationCreatedEvent>(StoreFixtures.Parse(created.Cursor, created.Frame).Event);
        Assert.Equal([ids[0], ids[1]], created.Recipients.Order());
        var sent = Assert.Single(afterSend.Skip(1));
        Assert.Equal(seq, Assert.IsType<MessageCreatedEvent>(StoreFixtures.Parse(sent.Cursor, sent.Frame).Event).Message.Seq);
        Assert.True(sent.Cursor > created.Cursor);
    }

    [Fact]
    public async Task Under_concurrent_writes_the_listener_hears_of_every_committed_event_once_in_cursor_order_as_stored()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol", "dave");
        var group = await Store.GroupAsync(ids[0], [ids[1], ids[2]], Now);
        var direct = await Store.DirectAsync(ids[2], ids[3], Now);

        var toldInTime = await Task.WhenAll(Enumerable.Range(0, 150).Select(async i =>
        {
            var conversation = i % 3 == 0 ? direct : group;
            var seq = await Store.SendAsync(conversation, ids[2], Now, $"m{i}");
            return _listener.Events.Any(e => StoreFixtures.Parse(e.Cursor, e.Frame).Event is MessageCreatedEvent created
                && created.Message.ConversationId == conversation && created.Message.Seq == seq);
        })).DefaultTimeout();

        Assert.All(toldInTime, Assert.True);
        var told = _listener.Events;
        Assert.Equal(2 + 150, told.Count);
        Assert.All(told.Zip(told.Skip(1)), pair => Assert.True(pair.First.Cursor < pair.Second.Cursor));
        var streams = new Dictionary<long, List<ReceivedEvent>>();
        foreach (var id in ids)
        {
            streams[id] = await Store.EventsAsync(id);
        }

        Assert.Equal(streams.Values.SelectMany(s => s).Select(e => e.Cursor).Distinct().Order(), told.Select(e => e.Cursor));
        foreach (var @event in told)
        {
            Assert.Equal(ids.Where(id => streams[id].Any(e => e.Cursor == @event.Cursor)), @event.Recipients.Order());
            Assert.Equal(streams[@event.Recipients[0]].Single(e => e.Cursor == @event.Cursor).Frame, EventFrames.ToText(@event.Frame));
        }
    }

    [Fact]
    public async Task Refused_writes_and_repeated_sends_store_no_events_and_the_listener_hears_of_none()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob", "carol");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        await Store.TrySendAsync(group, ids[0], Now, "once", "c-1");
        var told = _listener.Events.Count;
        var head = await HeadAsync();

        Assert.False((await Store.TrySendAsync(group, ids[2], Now)).IsSuccess);
        Assert.False((await Store.Conversations.RenameAsync(group, ids[1], "Mine", Now, None).DefaultTimeout()).IsSuccess);
        Assert.False((await Store.Conversations.RemoveMemberAsync(group, ids[0], ids[0], Now, None).DefaultTimeout()).IsSuccess);
        Assert.False((await Store.Messages.EditAsync(group, 1, ids[1], "not mine", Now, None).DefaultTimeout()).IsSuccess);
        Assert.True((await Store.TrySendAsync(group, ids[0], Now, "once", "c-1")).Succeeded().Duplicate);

        Assert.Equal(told, _listener.Events.Count);
        Assert.Equal(head, await HeadAsync());
    }

    [Fact]
    public async Task A_write_that_throws_stores_no_events_and_the_listener_hears_of_none_while_a_concurrent_write_commits()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        var group = await Store.GroupAsync(ids[0], [ids[1]], Now);
        var told = _listener.Events.Count;

        var failing = Task.WhenAll(
            RefusedOrThrewAsync(() => Store.Conversations.CreateGroupAsync(ids[0], "Ghosts", [StoreFixtures.NoSuchId], StoreFixtures.MaxMembers, Now, None)),
            RefusedOrThrewAsync(() => Store.Conversations.GetOrCreateDirectAsync(ids[0], StoreFixtures.NoSuchId, Now, None)));
        var succeeding = Store.SendAsync(group, ids[1], Now, "still here");
        await failing.DefaultTimeout();
        var seq = await succeeding.DefaultTimeout();

        var newlyTold = _listener.Events.Skip(told).Select(e => StoreFixtures.Parse(e.Cursor, e.Frame).Event).ToList();
        Assert.Equal(seq, Assert.IsType<MessageCreatedEvent>(Assert.Single(newlyTold)).Message.Seq);
        Assert.Equal(2, (await Store.EventsAsync(ids[0])).Count);
        Assert.Single((await Store.Conversations.ListAsync(ids[0], 0, 10, None).DefaultTimeout()).Conversations);
    }

    [Fact]
    public async Task Compaction_removes_events_older_than_the_cutoff_and_a_sync_from_below_the_horizon_must_resync()
    {
        var (alice, bob, group) = await GroupAsync();
        await Store.SendAsync(group, bob, Now, "old 1");
        await Store.SendAsync(group, bob, Now, "old 2");
        var lastOld = await HeadAsync();
        Time.Advance(TimeSpan.FromDays(2));
        await Store.SendAsync(group, bob, Time.GetUtcNow(), "new");

        var removed = await Store.Events.CompactAsync(Now.AddDays(1), 1000, None).DefaultTimeout();

        Assert.Equal(3, removed);
        Assert.Null(await Store.Events.ReadAfterAsync(alice, 0, 100, None).DefaultTimeout());
        Assert.Null(await Store.Events.ReadAfterAsync(bob, 0, 100, None).DefaultTimeout());
        var rest = await Store.EventsAsync(alice, lastOld);
        Assert.Equal(["new"], rest.Select(e => ((MessageCreatedEvent)e.Event).Message.Body));
        Assert.Equal(0, await Store.Events.CompactAsync(Now.AddDays(1), 1000, None).DefaultTimeout());
    }

    [Fact]
    public async Task Compaction_removes_at_most_the_given_number_of_events_at_a_time()
    {
        var (alice, bob, group) = await GroupAsync();
        for (var i = 0; i < 4; i++)
        {
            await Store.SendAsync(group, bob, Now);
        }

        var lastOld = await HeadAsync();
        Time.Advance(TimeSpan.FromDays(2));
        await Store.SendAsync(group, bob, Time.GetUtcNow(), "new");

        var removed = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            removed.Add(await Store.Events.CompactAsync(Now.AddDays(1), 2, None).DefaultTimeout());
        }

        Assert.Equal([2, 2, 1, 0], removed);
        Assert.Null(await Store.Events.ReadAfterAsync(alice, 0, 100, None).DefaultTimeout());
        Assert.Single(await Store.EventsAsync(alice, lastOld));
    }

    [Fact]
    public async Task Compaction_keeps_an_event_younger_than_the_cutoff_even_when_an_older_one_follows_it()
    {
        // As after the clock stepped back (or, in a cluster, between nodes): an event stamped later has a lower cursor.
        var (alice, bob, group) = await GroupAsync();
        var old = await HeadAsync();
        await Store.SendAsync(group, bob, Now.AddDays(2), "young");
        await Store.SendAsync(group, bob, Now, "old, stamped late");

        await Store.Events.CompactAsync(Now.AddDays(1), 1000, None).DefaultTimeout();

        var rest = await Store.Events.ReadAfterAsync(alice, old, 100, None).DefaultTimeout();
        Assert.NotNull(rest);
        Assert.Contains("young", rest.Select(e => ((MessageCreatedEvent)StoreFixtures.Parse(e.Cursor, e.Frame).Event).Message.Body));
    }

    [Fact]
    public async Task Compaction_with_nothing_old_enough_removes_nothing()
    {
        var (alice, bob, group) = await GroupAsync();
        await Store.SendAsync(group, bob, Now);

        Assert.Equal(0, await Store.Events.CompactAsync(Now.AddDays(-1), 1000, None).DefaultTimeout());
        Assert.Equal(2, (await Store.EventsAsync(alice)).Count);
    }

    [Fact]
    public async Task The_head_cursor_never_drops_below_the_horizon_even_when_every_event_was_compacted()
    {
        var (alice, bob, group) = await GroupAsync();
        await Store.SendAsync(group, bob, Now);
        var head = await HeadAsync();
        Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(2, await Store.Events.CompactAsync(Time.GetUtcNow(), 1000, None).DefaultTimeout());
        Assert.Equal(head, await HeadAsync());
        await ReopenAsync();
        Assert.Equal(head, await HeadAsync());
        Assert.Empty((await Store.Events.ReadAfterAsync(alice, head, 100, None).DefaultTimeout())!);
        Assert.Null(await Store.Events.ReadAfterAsync(alice, 0, 100, None).DefaultTimeout());

        await Store.SendAsync(group, bob, Time.GetUtcNow(), "after compaction");

        var later = Assert.Single(await Store.EventsAsync(alice, head));
        Assert.True(later.Cursor > head);
        Assert.Equal(later.Cursor, await HeadAsync());
    }

    [Fact]
    public async Task Events_survive_reopening_the_store()
    {
        var (alice, bob, group) = await GroupAsync();
        await Store.SendAsync(group, bob, Now);
        (await Store.Messages.MarkAsync(group, alice, ReceiptKinds.Read, 1, Now, None).DefaultTimeout()).Succeeded();
        var before = await Store.EventsAsync(alice);
        var head = await HeadAsync();

        await ReopenAsync();

        Assert.Equal(before.Select(e => (e.Cursor, e.Frame)), (await Store.EventsAsync(alice)).Select(e => (e.Cursor, e.Frame)));
        Assert.Equal(head, await HeadAsync());
        await Store.SendAsync(group, bob, Now);
        Assert.True((await Store.EventsAsync(alice))[^1].Cursor > head);
    }

    private async Task<(long Alice, long Bob, long Group)> GroupAsync()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        return (ids[0], ids[1], await Store.GroupAsync(ids[0], [ids[1]], Now));
    }

    private Task<long> HeadAsync() => Store.Events.GetHeadCursorAsync(None).DefaultTimeout();

    /// <summary>The accounts among <paramref name="accountIds"/> whose stream holds an event of type <typeparamref name="T"/> that matches.</summary>
    private async Task<long[]> AudienceAsync<T>(IEnumerable<long> accountIds, Func<T, bool> matches)
        where T : RoostEvent
    {
        var audience = new List<long>();
        foreach (var id in accountIds)
        {
            if ((await Store.EventsAsync<T>(id)).Any(matches))
            {
                audience.Add(id);
            }
        }

        return [.. audience.Order()];
    }

    /// <summary>Runs a write that must not succeed; an engine may refuse it with an error or throw.</summary>
    private static async Task RefusedOrThrewAsync<T>(Func<Task<Roost.Core.Errors.Outcome<T>>> write)
    {
        try
        {
            Assert.False((await write().DefaultTimeout()).IsSuccess);
        }
#pragma warning disable CA1031 // Any exception is an acceptable way for an engine to fail this write.
        catch (Exception exception) when (exception is not (Xunit.Sdk.XunitException or TimeoutException))
#pragma warning restore CA1031
        {
        }
    }
}
