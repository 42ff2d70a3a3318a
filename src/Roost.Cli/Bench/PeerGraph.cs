namespace Roost.Cli.Bench;

/// <summary>Which pairs of bench users get a direct conversation. Each pair appears once; its first user creates it.</summary>
internal static class PeerGraph
{
    /// <summary>The most conversations a run sets up: the generator keeps every pair in memory.</summary>
    public const long MaxPairs = 2_000_000;

    /// <summary>
    /// <paramref name="peers"/> peers for each of <paramref name="users"/> users (1 ≤ peers &lt; users): a circulant
    /// graph, user i with i ± 1 … i ± peers/2 and, for odd peers, the user half-way round. No user is favoured, and
    /// peers = users − 1 is every pair. (With odd peers and odd users, one user has a peer fewer.)
    /// </summary>
    public static List<(int A, int B)> Circulant(int users, int peers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(peers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(peers, users);
        var pairs = new List<(int A, int B)>(checked((int)Math.Min(MaxPairs, (long)users * peers / 2 + users)));
        for (var distance = 1; distance <= peers / 2; distance++)
        {
            for (var i = 0; i < users; i++)
            {
                pairs.Add((i, (i + distance) % users));
            }
        }

        if (peers % 2 == 1)
        {
            // Distances above are below users/2, so these pairs are new: a perfect matching (all but one user when odd).
            var half = (users + 1) / 2;
            for (var i = 0; i < users / 2; i++)
            {
                pairs.Add((i, i + half));
            }
        }

        return pairs;
    }

    /// <summary>Every pair among users [0, count), ordered by first user: count·(count−1)/2 pairs.</summary>
    public static IEnumerable<(int A, int B)> Complete(int count)
    {
        for (var a = 0; a < count; a++)
        {
            for (var b = a + 1; b < count; b++)
            {
                yield return (a, b);
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> distinct random pairs among users [first, end), ordered by first user; the same
    /// numbers give the same pairs (a fixed seed), so a re-run finds the conversations it created before.
    /// </summary>
    public static List<(int A, int B)> Random(int first, int end, int count)
    {
        var users = end - first;
        if (count > (long)users * (users - 1) / 4)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Too many random pairs for so few users: at most a quarter of all pairs.");
        }

        var random = new Random(20_261_201);
        var chosen = new HashSet<(int, int)>(count);
        while (chosen.Count < count)
        {
            var a = first + random.Next(users);
            var b = first + random.Next(users);
            if (a != b)
            {
                chosen.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        return [.. chosen.Order()];
    }
}
