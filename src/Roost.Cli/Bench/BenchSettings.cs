namespace Roost.Cli.Bench;

/// <summary>What every workload takes. Every run is bounded by <see cref="Duration"/> and, when set, <see cref="Messages"/>.</summary>
internal sealed record BenchSettings
{
    public required Uri Url { get; init; }

    /// <summary>The nodes users are spread over (user i on node i mod count); by default <see cref="Url"/> alone.</summary>
    public IReadOnlyList<Uri> Nodes
    {
        get => _nodes ?? [Url];
        init => _nodes = value is { Count: > 0 } ? value : null;
    }

    private readonly IReadOnlyList<Uri>? _nodes;

    public int Users { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sending at the same pace before measuring, not counted: the server's code is compiled and its caches warm.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>Every client id this run sends starts with this.</summary>
    public string ClientIdPrefix => "b" + RunId + "-";

    /// <summary>The warm-up: the same pace for <see cref="Warmup"/>, under client ids of its own.</summary>
    public BenchSettings ForWarmup() => this with { Duration = Warmup, Messages = 0, RunId = RunId + "w" };

    /// <summary>Stop after this many sends (0: only the duration bounds the run).</summary>
    public long Messages { get; init; }

    /// <summary>In-flight sends per sender in closed-loop mode (unless <see cref="InFlight"/> is set).</summary>
    public int Window { get; init; } = 4;

    /// <summary>In-flight sends in total across all senders, each to a random sender's random peer (0: per-sender windows).</summary>
    public int InFlight { get; init; }

    /// <summary>Offered load in messages per second (0: closed loop, as fast as the windows allow).</summary>
    public double Rate { get; init; }

    public int BodyBytes { get; init; } = 64;

    /// <summary>The server's process (or a cluster's node processes on this machine) for CPU and memory.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];

    /// <summary>Where a progress line goes once a second while sending (null: no progress).</summary>
    public TextWriter? Progress { get; init; }

    public int Parallelism { get; init; } = 32;

    /// <summary>Users are named <c>{Prefix}_{i}</c>; null: a fresh random prefix (or the seed's, for seeded users).</summary>
    public string? Prefix { get; init; }

    /// <summary>Starts every client id of this run, so runs on the same seeded users never reuse one (the server remembers them per account).</summary>
    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The prefix to use: the one given, else <paramref name="fallback"/>.</summary>
    public string PrefixOr(string fallback) => Prefix ?? fallback;

    public static string FreshPrefix() => "bench" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>How sends are paced, for the report.</summary>
    public string Pacing =>
        Rate > 0 ? $"open loop, {Rate:0.##} msgs/s"
        : InFlight > 0 ? $"closed loop, {InFlight} in flight in total"
        : $"closed loop, {Window} in flight per sender";
}
