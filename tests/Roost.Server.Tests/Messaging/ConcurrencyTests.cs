using System.Collections.Concurrent;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_clients_exchanging_messages_at_once_lose_nothing_and_duplicate_nothing()
    {
        const int Clients = 200;
        const int MessagesPerPeer = 5;
        await using var instance = await RoostInstance.StartAsync();
        var users = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => instance.RegisterAndLoginAsync())).DefaultTimeout();
        try
        {
            // Each client talks to the next one and to the one 7 places on: every client has two or more peers.
            var pairs = Enumerable.Range(0, Clients)
                .SelectMany(i => new[] { (i, (i + 1) % Clients), (i, (i + 7) % Clients) })
                .ToList();
            var conversations = await Task.WhenAll(pairs.Select(p => users[p.Item1].Client.CreateDirectAsync(users[p.Item2].Username))).DefaultTimeout();
            var connections = await Task.WhenAll(users.Select(u => u.Client.ConnectLiveAsync())).DefaultTimeout();
            try
            {
                // Who must receive what: every member (sender included) receives every message of its conversations once.
                var expected = new Dictionary<int, HashSet<string>>();
                for (var p = 0; p < pairs.Count; p++)
                {
                    for (var m = 0; m < MessagesPerPeer; m++)
                    {
                        var clientId = $"p{p}-m{m}";
                        foreach (var member in new[] { pairs[p].Item1, pairs[p].Item2 })
                        {
                            (expected.TryGetValue(member, out var set) ? set : expected[member] = []).Add(clientId);
                        }
                    }
                }

                var received = Enumerable.Range(0, Clients).Select(_ => new ConcurrentBag<(string ClientId, long Seq, long Conversation)>()).ToArray();
                var readers = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
                {
                    while (received[i].Count < expected[i].Count)
                    {
                        var created = await connections[i].NextEventAsync<MessageCreatedEvent>();
                        received[i].Add((created.Message.ClientId, created.Message.Seq, created.Message.ConversationId));
                    }
                })).ToArray();

                var senders = Enumerable.Range(0, pairs.Count).Select(p => Task.Run(async () =>
                {
                    for (var m = 0; m < MessagesPerPeer; m++)
                    {
                        await connections[pairs[p].Item1].SendMessageAsync(conversations[p].Id, $"message {m} on pair {p}", clientId: $"p{p}-m{m}");
                    }
                }));
                await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(120));
                await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(120));

                for (var i = 0; i < Clients; i++)
                {
                    var got = received[i].Select(r => r.ClientId).ToList();
                    Assert.Equal(got.Count, got.Distinct().Count());
                    Assert.True(expected[i].SetEquals(got), $"client {i} received a different set of messages");
                    Assert.DoesNotContain(await connections[i].DrainAsync(), f => f.Event is MessageCreatedEvent);
                }

                // Per conversation, sequence numbers are exactly 1..N.
                foreach (var conversation in conversations)
                {
                    var seqs = received.SelectMany(r => r).Where(r => r.Conversation == conversation.Id).Select(r => r.Seq).Distinct().Order();
                    Assert.Equal(Enumerable.Range(1, MessagesPerPeer).Select(s => (long)s), seqs);
                }
            }
            finally
            {
                await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).DefaultTimeout();
            }
        }
        finally
        {
            foreach (var user in users)
            {
                user.Client.Dispose();
            }
        }
    }
}
