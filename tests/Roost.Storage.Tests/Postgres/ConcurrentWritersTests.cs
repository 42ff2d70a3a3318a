using System.Collections.Concurrent;
using System.Globalization;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.Storage;
using Roost.Storage.Tests.Contract;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>
/// The ordering rule with several writers on one database, as several nodes would write: two stores commit
/// concurrently while a reader pages one account's events. Without the append lock, ids drawn from the sequence
/// commit out of order and a reader that already passed cursor N never sees a lower one committed later.
/// </summary>
public sealed class ConcurrentWritersTests : IAsyncLifetime
{
    private const int MessagesPerWriter = 1500;
    private const int InFlightPerWriter = 24;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly PostgresNodes _nodes = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [Fact]
    public async Task Two_writers_and_a_paging_reader_see_every_event_once_in_cursor_order()
    {
        var firstHeard = new RecordingEventListener();
        var secondHeard = new RecordingEventListener();
        var first = await OpenAsync(firstHeard);
        var second = await OpenAsync(secondHeard);
        var reader = await OpenAsync();
        var alice = await CreateAccountAsync(first, "alice");
        var bob = await CreateAccountAsync(first, "bob");
        var carol = await CreateAccountAsync(first, "carol");
        var direct = (await first.Conversations.GetOrCreateDirectAsync(alice.Id, bob.Id, Now, None).DefaultTimeout()).Value!.Conversation.Id;
        var group = (await second.Conversations.CreateGroupAsync(bob.Id, "group", [alice.Id, carol.Id], 10, Now, None).DefaultTimeout()).Value!.Conversation.Id;
        var start = await reader.Events.GetHeadCursorAsync(None).DefaultTimeout();

        using var writersDone = new CancellationTokenSource();
        var paged = PageUntilQuietAsync(reader, alice.Id, start, writersDone.Token);
        await Task.WhenAll(
            WriteAsync(first, direct, alice.Id, "a"),
            WriteAsync(second, group, bob.Id, "b")).WaitAsync(TimeSpan.FromMinutes(3));
        await writersDone.CancelAsync();
        var seenLive = await paged.WaitAsync(TimeSpan.FromMinutes(1));

        // What a reader that paged along the way saw is exactly what is there in the end: nothing skipped.
        var final = await ReadAllAsync(reader, alice.Id, start);
        Assert.Equal(2 * MessagesPerWriter, final.Count);
        Assert.Equal(final, seenLive);
        Assert.True(final.Zip(final.Skip(1)).All(pair => pair.First < pair.Second), "cursors must strictly increase");

        // Each event tells its recipient's previous cursor, whichever writer appended either: what a node uses to tell
        // an event that arrives before its predecessor (committed on another node) from one that follows it.
        var previousOf = firstHeard.Events.Concat(secondHeard.Events)
            .Where(e => e.Cursor > start && e.Recipients.Contains(alice.Id))
            .ToDictionary(e => e.Cursor, e => e.PreviousCursors![Array.IndexOf(e.Recipients, alice.Id)]);
        Assert.Equal(final.Count, previousOf.Count);
        Assert.True(previousOf[final[0]] <= start, "the first event after the start follows one before it");
        Assert.All(final.Skip(1).Zip(final), pair => Assert.Equal(pair.Second, previousOf[pair.First]));

        // Each conversation's sequence is gap-free whichever writer appended.
        foreach (var (conversation, member) in new[] { (direct, alice.Id), (group, carol.Id) })
        {
            var history = await reader.Messages.GetHistoryAsync(conversation, member, null, 0, 10_000, None).DefaultTimeout();
            Assert.Equal(Enumerable.Range(1, MessagesPerWriter).Select(i => (long)i), history.Value!.Messages.Select(m => m.Seq));
        }
    }

    private Task<IRoostStore> OpenAsync(ICommittedEventListener? listener = null) => _nodes.OpenAsync(listener);

    private static async Task WriteAsync(IRoostStore store, long conversationId, long senderId, string prefix)
    {
        var next = -1;
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, InFlightPerWriter).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < MessagesPerWriter)
            {
                var clientId = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i}");
                var sent = await store.Messages.AppendAsync(new NewMessage(conversationId, senderId, clientId, "hello", null, Now), None);
                if (sent.Error is { } error)
                {
                    failures.Enqueue(error.Code);
                }
            }
        }));
        Assert.Empty(failures);
    }

    /// <summary>Pages the account's events after <paramref name="after"/> in small pages while the writers run, then once more.</summary>
    private static async Task<List<long>> PageUntilQuietAsync(IRoostStore reader, long accountId, long after, CancellationToken writersDone)
    {
        var seen = new List<long>();
        var cursor = after;
        while (true)
        {
            var finished = writersDone.IsCancellationRequested;
            var page = (await reader.Events.ReadAfterAsync(accountId, cursor, 50, None).DefaultTimeout())!;
            foreach (var stored in page)
            {
                Assert.True(stored.Cursor > cursor, $"cursor {stored.Cursor} came after {cursor}");
                seen.Add(stored.Cursor);
                cursor = stored.Cursor;
            }

            if (page.Count == 0)
            {
                if (finished)
                {
                    return seen;
                }

                await Task.Yield();
            }
        }
    }

    private static async Task<List<long>> ReadAllAsync(IRoostStore reader, long accountId, long after)
    {
        var all = new List<long>();
        while (true)
        {
            var page = (await reader.Events.ReadAfterAsync(accountId, after, 1000, None).DefaultTimeout())!;
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page.Select(e => e.Cursor));
            after = page[^1].Cursor;
        }
    }

    private static Task<Account> CreateAccountAsync(IRoostStore store, string username) => PostgresNodes.CreateAccountAsync(store, username, Now);
}
