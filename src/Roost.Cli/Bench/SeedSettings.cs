namespace Roost.Cli.Bench;

/// <summary>
/// What <c>roost bench seed</c> puts in a server: <see cref="Users"/> accounts; the first <see cref="Online"/> of
/// them each with a direct conversation with every other of those; <see cref="ExtraConversations"/> random direct
/// conversations among the rest; <see cref="Messages"/> messages spread over all of them.
/// </summary>
internal sealed record SeedSettings
{
    public const string DefaultPrefix = "seed";

    public required Uri Url { get; init; }

    public int Users { get; init; } = 1000;

    public int Online { get; init; } = 100;

    public int ExtraConversations { get; init; }

    public long Messages { get; init; }

    /// <summary>Sends in flight in total while seeding messages (closed loop, acks awaited).</summary>
    public int InFlight { get; init; } = 2048;

    /// <summary>Users connected at once while sending; the users are taken in batches of this many.</summary>
    public int Connections { get; init; } = 1000;

    /// <summary>REST calls and connects in flight at once.</summary>
    public int Parallelism { get; init; } = 64;

    public string Prefix { get; init; } = DefaultPrefix;

    public int BodyBytes { get; init; } = 64;

    /// <summary>The whole seed is bounded by this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(2);

    public int? ServerPid { get; init; }

    public TextWriter? Progress { get; init; }

    public long OnlinePairs => (long)Online * (Online - 1) / 2;

    public long Conversations => OnlinePairs + ExtraConversations;

    /// <summary>Null when the numbers make a bounded, sensible seed; otherwise what is wrong.</summary>
    public string? Validate()
    {
        var rest = (long)Users - Online;
        return Users is < 2 or > 1_000_000 ? "--users must be between 2 and 1,000,000."
            : Online < 0 || Online > Users ? "--online must be between 0 and --users."
            : ExtraConversations < 0 || ExtraConversations > rest * (rest - 1) / 4
                ? "--extra-conversations must not be negative, and at most a quarter of all pairs among the users after the first --online."
            : Conversations > PeerGraph.MaxPairs ? $"--online × (--online − 1) / 2 + --extra-conversations is the conversations to create: at most {PeerGraph.MaxPairs:N0}."
            : Messages is < 0 or > 100_000_000 ? "--messages must be between 0 and 100,000,000."
            : Messages > 0 && Conversations == 0 ? "--messages needs conversations to go to: give --online or --extra-conversations."
            : InFlight is < 1 or > 65_536 ? "--in-flight must be between 1 and 65,536."
            : Connections is < 1 or > 19_500 ? "--connections must be between 1 and 19,500 (the open-file limit here is 20,000)."
            : Parallelism is < 1 or > 1024 ? "--parallelism must be between 1 and 1,024."
            : BodyBytes is < 24 or > 60_000 ? "--body-bytes must be between 24 and 60000."
            : Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(24) ? "--timeout must be more than 0 and at most 24h: every run is bounded."
            : BenchUsers.ValidatePrefix(Prefix, Users);
    }
}
