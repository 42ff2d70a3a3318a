using Spectre.Console;

namespace Roost.Cli.Bench;

/// <summary>
/// How the online workload gets its peers: <see cref="Peers"/> direct conversations per user (null: the default, or
/// with <see cref="Existing"/> every one found), created for fresh users or, with <see cref="Existing"/>, found
/// among seeded users' conversations.
/// </summary>
internal sealed record OnlinePeers(int? Peers, bool Existing);

internal static partial class Workloads
{
    /// <summary>Peers per fresh user unless --peers says otherwise: the graph earlier runs measured (each user with i ± 1, i ± 2).</summary>
    public const int DefaultPeers = 4;

    /// <summary>N connected users send 1:1 messages, each from a random online user to a random one of its peers.</summary>
    public static async Task<BenchReport> OnlineAsync(BenchSettings settings, OnlinePeers options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (options.Peers is { } given && (given < 1 || given >= settings.Users))
        {
            throw new ArgumentOutOfRangeException(nameof(options), given, "--peers must be at least 1 and less than --users (--users − 1: every pair has a conversation).");
        }

        var peers = options.Peers ?? (options.Existing ? settings.Users - 1 : Math.Min(DefaultPeers, settings.Users - 1));
        if (!options.Existing && (long)settings.Users * peers / 2 > PeerGraph.MaxPairs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), peers, $"--users × --peers / 2 is the conversations to set up: at most {PeerGraph.MaxPairs:N0}.");
        }

        var report = Start("online", settings);
        report.Parameters["peers per user"] = peers;
        report.Parameters["seeded users"] = options.Existing;
        var prefix = settings.PrefixOr(options.Existing ? SeedSettings.DefaultPrefix : BenchSettings.FreshPrefix());
        var users = await SignInAsync(settings, settings.Users, options.Existing ? BenchSignIn.LogIn : BenchSignIn.RegisterOrLogIn, prefix, console, cancellationToken);
        try
        {
            var conversations = options.Existing
                ? await FindPeersAsync(settings, users, peers, console, cancellationToken)
                : await CreatePeersAsync(settings, users, peers, console, cancellationToken);
            report.Parameters["conversations"] = conversations.SelectMany(c => c).Distinct().Count();
            await ConnectAsync(settings, users, console, cancellationToken);
            var senders = users.Select((u, i) => (User: u, Conversations: conversations[i]))
                .Where(s => s.Conversations.Length > 0)
                .Select(s => BenchSender.For(s.User.Connection!, s.Conversations))
                .ToList();
            if (senders.Count == 0)
            {
                throw new BenchSetupException($"None of the {users.Count} users has a direct conversation with another of them: seed with --online at least --users.");
            }

            return await MeasureAsync(report, settings, users, senders, console, cancellationToken);
        }
        finally
        {
            await BenchUsers.DisposeAsync(users);
        }
    }

    private static async Task<long[][]> CreatePeersAsync(BenchSettings settings, List<BenchUser> users, int peers, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var pairs = PeerGraph.Circulant(users.Count, peers);
        console.MarkupLineInterpolated($"Creating {pairs.Count} direct conversations ({peers} per user)…");
        var done = 0L;
        var ids = await CountProgress.RunAsync(settings.Progress, "conversations", pairs.Count, () => Interlocked.Read(ref done), () =>
            BenchConversations.CreateAsync(users, pairs, settings.Parallelism, () => Interlocked.Increment(ref done), cancellationToken));
        return BenchConversations.ByUser(users.Count, pairs, ids);
    }

    private static async Task<long[][]> FindPeersAsync(BenchSettings settings, List<BenchUser> users, int peers, IAnsiConsole console, CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"Finding each user's direct conversations with the other {users.Count - 1}…");
        var done = 0L;
        var found = await CountProgress.RunAsync(settings.Progress, "users listed", users.Count, () => Interlocked.Read(ref done), () =>
            BenchConversations.DiscoverAsync(users, peers, settings.Parallelism, () => Interlocked.Increment(ref done), cancellationToken));
        console.MarkupLineInterpolated($"Found {found.SelectMany(f => f).Distinct().Count()} conversations among them ({found.Min(f => f.Length)}–{found.Max(f => f.Length)} peers per user).");
        return found;
    }
}
