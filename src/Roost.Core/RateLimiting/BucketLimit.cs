namespace Roost.Core.RateLimiting;

/// <summary><see cref="Rate"/> tokens per <see cref="Period"/>, with bursts of up to <see cref="Burst"/> tokens.</summary>
public sealed record BucketLimit
{
    public double Rate { get; init; }

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    public double Burst { get; init; }
}
