namespace Roost.Cli.Bench;

/// <summary>What every workload takes. Every run is bounded by <see cref="Duration"/> and, when set, <see cref="Messages"/>.</summary>
internal sealed record BenchSettings
{
    public required Uri Url { get; init; }

    public int Users { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Stop after this many sends (0: only the duration bounds the run).</summary>
    public long Messages { get; init; }

    /// <summary>In-flight sends per sender in closed-loop mode.</summary>
    public int Window { get; init; } = 4;

    /// <summary>Offered load in messages per second (0: closed loop, as fast as the windows allow).</summary>
    public double Rate { get; init; }

    public int BodyBytes { get; init; } = 64;

    public int? ServerPid { get; init; }

    /// <summary>Where a progress line goes once a second while sending (null: no progress).</summary>
    public TextWriter? Progress { get; init; }

    public int Parallelism { get; init; } = 32;

    public string Prefix { get; init; } = "bench" + Guid.NewGuid().ToString("N")[..6];
}
