using Roost.Client;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Xunit;

namespace Roost.Server.Tests.Cluster;

/// <summary>Users spread over the nodes, one group of all of them and a direct chat per pair, and the checks of what they got.</summary>
public sealed class ChatLoad : IAsyncDisposable
{
    private readonly Dictionary<ChatUser, long[]> _conversations = [];

    private ChatLoad(IReadOnlyList<ChatUser> users, IReadOnlyList<string> tokens)
    {
        Users = users;
        Tokens = tokens;
    }

    public IReadOnlyList<ChatUser> Users { get; }

    public IReadOnlyList<string> Tokens { get; }

    public int AckedCount => Users.Sum(u => u.Acked.Count);

    /// <summary>Registers <paramref name="count"/> users (an even number), user i on node i mod the node count, and connects them.</summary>
    public static async Task<ChatLoad> StartAsync(IReadOnlyList<Uri> nodes, int count)
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}u{i}").ToArray();
        var logins = new List<(long AccountId, string Token)>();
        for (var i = 0; i < count; i++)
        {
            using var client = new RoostClient(nodes[i % nodes.Count]);
            await client.RegisterAsync(names[i], UserHelpers.Password).DefaultTimeout();
            var login = await client.LoginAsync(names[i], UserHelpers.Password).DefaultTimeout();
            logins.Add((login.AccountId, login.Token!));
        }

        using var first = new RoostClient(nodes[0]) { AccessToken = logins[0].Token };
        var group = (await first.CreateGroupAsync("everyone", names[1..]).DefaultTimeout()).Id;
        var users = Enumerable.Range(0, count).Select(i => new ChatUser(names[i], logins[i].AccountId, logins[i].Token, nodes, i % nodes.Count)).ToList();
        var load = new ChatLoad(users, [.. logins.Select(l => l.Token)]);
        for (var i = 0; i < count; i += 2)
        {
            using var opener = new RoostClient(nodes[i % nodes.Count]) { AccessToken = logins[i].Token };
            var direct = (await opener.CreateDirectAsync(names[i + 1]).DefaultTimeout()).Id;
            load._conversations[users[i]] = [group, direct];
            load._conversations[users[i + 1]] = [group, direct];
        }

        await Task.WhenAll(users.Select(u => u.ConnectAsync())).DefaultTimeout();
        return load;
    }

    /// <summary>Every user sends until <paramref name="before"/> sends are acknowledged, then the fault, then <paramref name="after"/> more.</summary>
    public async Task RunAsync(int before, int after, Func<Task> fault)
    {
        using var stop = new CancellationTokenSource();
        var senders = Users.Select(u => Task.Run(() => u.SendUntilAsync(_conversations[u], stop.Token))).ToArray();
        try
        {
            await UntilAckedAsync(before, senders);
            await fault();
            await UntilAckedAsync(AckedCount + after, senders);
        }
        finally
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// Through a living node: each conversation holds every acknowledged message once, at the seq its ack gave, and
    /// nothing else, seqs 1..N; every member received all of it once, in seq order.
    /// </summary>
    public async Task VerifyAsync(Uri livingNode, ITestOutputHelper output)
    {
        foreach (var conversationId in _conversations.Values.SelectMany(c => c).Distinct())
        {
            var members = Users.Where(u => _conversations[u].Contains(conversationId)).ToList();
            using var reader = new RoostClient(livingNode) { AccessToken = Tokens[Users.ToList().IndexOf(members[0])] };
            var stored = await ReadAllAsync(reader, conversationId);

            var acked = members.SelectMany(m => m.Acked).Where(a => a.Value.ConversationId == conversationId).ToDictionary(a => a.Key, a => a.Value.Seq);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.Seq));
            Assert.Equal(stored.Count, stored.Select(m => m.ClientId).Distinct().Count());
            var storedByClientId = stored.ToDictionary(m => m.ClientId, m => m.Seq);
            Assert.All(acked, a => Assert.Equal(a.Value, storedByClientId.GetValueOrDefault(a.Key)));

            foreach (var member in members)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (member.Received(conversationId).Count < stored.Count)
                {
                    await Task.Delay(50, timeout.Token);
                }

                Assert.Equal(stored.Select(m => m.Seq), member.Received(conversationId));
            }

            output.WriteLine($"Conversation {conversationId}: {stored.Count} messages ({acked.Count} acknowledged), received by {members.Count} members.");
        }

        Assert.All(Users, u => Assert.Equal((0, 0), (u.Duplicates, u.OutOfOrder)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var user in Users)
        {
            await user.DisposeAsync();
        }
    }

    private static async Task<List<(long Seq, string ClientId)>> ReadAllAsync(RoostClient client, long conversationId)
    {
        var all = new List<(long, string)>();
        long after = 0;
        while (true)
        {
            var page = await client.GetMessagesAsync(conversationId, after: after, limit: 200).DefaultTimeout();
            all.AddRange(page.Messages.Select(m => (m.Seq, m.ClientId)));
            if (!page.HasMore || page.Messages.Count == 0)
            {
                return all;
            }

            after = page.Messages[^1].Seq;
        }
    }

    private async Task UntilAckedAsync(int count, Task[] senders)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (AckedCount < count)
        {
            if (senders.FirstOrDefault(s => s.IsFaulted) is { } failed)
            {
                await failed;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
