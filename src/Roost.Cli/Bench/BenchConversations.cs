namespace Roost.Cli.Bench;

/// <summary>Sets up bench users' direct conversations over REST, or finds the ones a seed made, with bounded parallelism.</summary>
internal static class BenchConversations
{
    /// <summary>Conversation pages read per user at most (200 each): every list the generator keeps is bounded.</summary>
    private const int MaxPages = 10_000;

    /// <summary>
    /// The direct conversation of each pair, created by its first user, in pair order. Direct conversations are
    /// find-or-create on the server, so a pair that has one already gets it back: re-runs create nothing twice.
    /// </summary>
    public static async Task<long[]> CreateAsync(
        IReadOnlyList<BenchUser> users, IReadOnlyList<(int A, int B)> pairs, int parallelism, Action? done, CancellationToken cancellationToken)
    {
        var ids = new long[pairs.Count];
        await Parallel.ForAsync(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (k, token) =>
        {
            var (a, b) = pairs[k];
            ids[k] = (await users[a].Client.CreateDirectAsync(users[b].Username, token)).Id;
            done?.Invoke();
        });
        return ids;
    }

    /// <summary>Each user's conversations (both members of a pair get it).</summary>
    public static long[][] ByUser(int users, IReadOnlyList<(int A, int B)> pairs, long[] ids)
    {
        var lists = Enumerable.Range(0, users).Select(_ => new List<long>()).ToArray();
        for (var k = 0; k < pairs.Count; k++)
        {
            lists[pairs[k].A].Add(ids[k]);
            lists[pairs[k].B].Add(ids[k]);
        }

        return [.. lists.Select(list => list.ToArray())];
    }

    /// <summary>
    /// Each user's existing direct conversations with other users of <paramref name="users"/>, at most
    /// <paramref name="maxPeers"/> each, read from the conversation list (every page) without creating anything.
    /// </summary>
    public static async Task<long[][]> DiscoverAsync(
        IReadOnlyList<BenchUser> users, int maxPeers, int parallelism, Action? done, CancellationToken cancellationToken)
    {
        var online = users.Select(u => u.AccountId).ToHashSet();
        var found = new long[users.Count][];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var user = users[i];
            var peers = new List<long>();
            long after = 0;
            for (var page = 0; page < MaxPages && peers.Count < maxPeers; page++)
            {
                var answer = await user.Client.GetConversationsAsync(after, 200, token);
                peers.AddRange(answer.Conversations
                    .Where(c => c is { Kind: "direct", IsMember: true } && c.Members.Any(m => m.AccountId != user.AccountId && online.Contains(m.AccountId)))
                    .Select(c => c.Id));
                if (answer.NextAfter is not { } next)
                {
                    break;
                }

                after = next;
            }

            found[i] = [.. peers.Take(maxPeers)];
            done?.Invoke();
        });
        return found;
    }
}
