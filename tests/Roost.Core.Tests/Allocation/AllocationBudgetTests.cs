using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.RateLimiting;
using Roost.Protocol;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Core.Tests.Allocation;

/// <summary>
/// Bytes allocated per message on the delivery path stay within budgets (docs/benchmarks.md, "Allocation budgets").
/// A budget is the measured value with headroom; when a change breaks one, find the new allocation (the
/// BenchmarkDotNet benchmarks in benchmarks/Roost.Benchmarks show where) and remove it, or raise the budget on purpose.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    private const string Body = "0123456789012345678901234567890123456789012345678901234567890123";
    private const int GroupSize = 20;

    private static readonly DateTimeOffset SentAt = new(2026, 12, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private static readonly byte[] SendFrame = Encoding.UTF8.GetBytes(
        $$"""{"type":"send","ref":"r1","conversationId":12345,"clientId":"b1234567","body":"{{Body}}"}""");

    /// <summary>The gateway's strict parse (GatewayConnection.Receive.cs keeps its context private); keep the two in step.</summary>
    private static readonly RoostJsonContext StrictJson = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    });

    private static readonly BucketLimit Unlimited = new() { Rate = 1e12, Burst = 1e12 };

    private object? _sink;

    [Fact]
    public void Parsing_a_send_frame()
    {
        var measured = AllocationMeter.PerCall(_ => _sink = JsonSerializer.Deserialize(SendFrame, StrictJson.ClientFrame));

        // Measured 464 B: the frame record and its strings, most of it the 64-character body.
        Assert.Equal(ClientFrameTypes.Send, Assert.IsType<ClientFrame>(_sink).Type);
        Within(measured, budget: 640);
    }

    [Fact]
    public void Serializing_the_ack_and_the_event_frame()
    {
        var created = new MessageCreatedEvent(new MessageResponse(12345, 67, 42, "b1234567", Body, null, SentAt, null, null, []), "direct");

        var measured = AllocationMeter.PerCall(i =>
        {
            // As GatewayFrames.Ack (internal to the server) and the store's write context build them.
            _sink = JsonSerializer.SerializeToUtf8Bytes(new AckFrame(ServerFrameTypes.Ack, "r1", "b1234567", 12345, 67, SentAt, false), RoostJsonContext.Default.AckFrame);
            _sink = EventFrames.Frame(1_234_567 + i, EventFrames.SerializePayload(created));
        });

        // Measured 1,280 B: the ack, the event's payload and its framed copy (FrameBenchmarks has each alone).
        Within(measured, budget: 1_700);
    }

    [Fact]
    public void Fanning_out_one_event_to_a_group_of_20()
    {
        var router = new EventRouter();
        var subscribers = Enumerable.Range(1, GroupSize).Select(i => new OutboxSubscriber(i)).ToArray();
        foreach (var subscriber in subscribers)
        {
            router.Subscribe(subscriber);
        }

        CommittedEvent[] events = [new(1, [.. Enumerable.Range(1, GroupSize).Select(i => (long)i)], new byte[300])];

        var measured = AllocationMeter.PerCall(_ =>
        {
            router.OnCommitted(events);
            foreach (var subscriber in subscribers)
            {
                subscriber.Drain();
            }
        });

        // Measured 32 B per event and none per recipient: the enumerator of the event list.
        Assert.All(subscribers, s => Assert.Equal(0, s.Disconnects));
        Within(measured, budget: 48);
    }

    [Fact]
    public async Task Sending_a_direct_message_through_the_store_to_both_members()
    {
        using var directory = new TempDirectory();
        var time = new ManualTimeProvider(SentAt);
        var router = new EventRouter();

        // synchronous=NORMAL only spares the test an fsync per message: the managed path, and what it allocates, is the same.
        var options = new SqliteStoreOptions { DataDirectory = directory.Path, Synchronous = SqliteSynchronous.Normal };
        await using var store = new SqliteStore(options, time, NullLogger<SqliteStore>.Instance, router);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        var alice = (await store.Accounts.CreateAsync(new NewAccount("alice", "alice", "x", "Alice", SentAt), CancellationToken.None).DefaultTimeout())!;
        var bob = (await store.Accounts.CreateAsync(new NewAccount("bob", "bob", "x", "Bob", SentAt), CancellationToken.None).DefaultTimeout())!;
        var conversationId = (await store.Conversations.GetOrCreateDirectAsync(alice.Id, bob.Id, SentAt, CancellationToken.None).DefaultTimeout()).Value.Conversation.Id;

        var limits = new SendLimits { MessagesPerAccount = Unlimited, BytesPerAccount = Unlimited, MessagesPerConversation = Unlimited };
        var messaging = new MessagingService(store, time, new MessagingLimits(), new MessageRateLimiter(limits, time));
        OutboxSubscriber[] members = [new(alice.Id), new(bob.Id)];
        foreach (var member in members)
        {
            router.Subscribe(member);
        }

        // Made before measuring: the gateway gets each client id from the parse measured above.
        var clientIds = Enumerable.Range(0, AllocationMeter.Indices).Select(i => "c" + i).ToArray();

        // On the thread pool, as the gateway's operations run, away from any synchronization context of the runner.
        var measured = await Task.Run(() => AllocationMeter.PerCallAsync(async i =>
        {
            var outcome = await messaging.SendAsync(alice.Id, conversationId, clientIds[i], Body, null, CancellationToken.None);
            if (!outcome.IsSuccess || members[0].Drain() != 1 || members[1].Drain() != 1)
            {
                throw new InvalidOperationException($"Send {i} was refused ({outcome.Error?.Code}) or not delivered to both members.");
            }
        })).WaitAsync(TimeSpan.FromMinutes(2));

        // Measured 10,768 B (10,240 B with every method fully optimized): nearly all of it the store's append
        // (StoreAppendBenchmarks), the event frame included.
        Within(measured, budget: 14_000);
    }

    private void Within(Measurement measured, int budget)
    {
        output.WriteLine($"{measured}; budget {budget} B");
        Assert.True(measured.BytesPerCall <= budget, $"Allocated {measured}, over the budget of {budget} B per message.");
    }
}
