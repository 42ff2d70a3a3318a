using System.Collections.Concurrent;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>A server killed with SIGKILL loses no acknowledged message (on the run's engine: on PostgreSQL the database outlives the process).</summary>
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_message_survives_sigkill_during_a_stream_of_sends()
    {
        using var data = new TempDirectory();
        var (database, engine) = await TestEngine.ForServerProcessAsync();
        await using var ownedDatabase = database;
        var acked = new ConcurrentDictionary<string, long>();
        long conversationId;
        string aliceToken;
        await using (var server = ServerProcess.Start(data.Path, engine))
        {
            var address = await server.ListeningAsync();
            using var alice = new RoostClient(address);
            using var bob = new RoostClient(address);
            await alice.RegisterAsync("crash_alice", UserHelpers.Password).DefaultTimeout();
            await bob.RegisterAsync("crash_bob", UserHelpers.Password).DefaultTimeout();
            await alice.LoginAsync("crash_alice", UserHelpers.Password).DefaultTimeout();
            conversationId = (await alice.CreateDirectAsync("crash_bob").DefaultTimeout()).Id;
            aliceToken = alice.AccessToken!;
            var live = await RoostConnection.ConnectAsync(address, aliceToken).DefaultTimeout();

            // Four pipelines of sends; the server dies once 300 acks are in, with more sends in flight.
            using var enough = new CancellationTokenSource();
            var threeHundredAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var streams = Enumerable.Range(0, 4).Select(stream => Task.Run(async () =>
            {
                for (var i = 0; i < 5_000 && !enough.IsCancellationRequested; i++)
                {
                    var clientId = $"s{stream}-{i}";
                    try
                    {
                        var ack = await live.SendMessageAsync(conversationId, $"durable {clientId}", clientId);
                        acked[clientId] = ack.Seq!.Value;
                        if (acked.Count >= 300)
                        {
                            threeHundredAcked.TrySetResult();
                        }
                    }
                    catch (System.Net.WebSockets.WebSocketException)
                    {
                        return; // The server is gone: this send was never acknowledged.
                    }
                }
            })).ToArray();

            await Task.WhenAny(threeHundredAcked.Task, Task.WhenAll(streams)).DefaultTimeout();
            Assert.True(threeHundredAcked.Task.IsCompleted, "the send streams ended before the crash");

            server.Crash();
            await server.WaitForExitAsync();
            await enough.CancelAsync();
            await Task.WhenAll(streams).DefaultTimeout();
            await live.DisposeAsync();
        }

        await using var restarted = ServerProcess.Start(data.Path, engine);
        using var after = new RoostClient(await restarted.ListeningAsync()) { AccessToken = aliceToken };
        var stored = new Dictionary<string, long>();
        long? afterSeq = 0;
        while (afterSeq is not null)
        {
            var page = await after.GetMessagesAsync(conversationId, after: afterSeq, limit: 200).DefaultTimeout();
            foreach (var message in page.Messages)
            {
                stored.Add(message.ClientId, message.Seq);
            }

            afterSeq = page.HasMore ? page.Messages[^1].Seq : null;
        }

        Assert.True(acked.Count >= 300);
        foreach (var (clientId, seq) in acked)
        {
            Assert.True(stored.TryGetValue(clientId, out var storedSeq), $"acknowledged message {clientId} was lost");
            Assert.Equal(seq, storedSeq);
        }

        Assert.Equal(Enumerable.Range(1, stored.Count).Select(s => (long)s), stored.Values.Order());
    }
}
