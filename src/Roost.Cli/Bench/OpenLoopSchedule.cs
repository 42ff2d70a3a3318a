namespace Roost.Cli.Bench;

/// <summary>
/// When each open-loop send is due: send k (from 0) at <c>start + k / rate</c>, for <paramref name="duration"/>.
/// Latency is measured from this due time, not from when the generator got round to the send, so a generator or a
/// connection that falls behind does not hide the server's queueing (no coordinated omission). Timestamps are in
/// ticks of <paramref name="frequency"/> per second (a <see cref="TimeProvider"/>'s).
/// </summary>
internal sealed class OpenLoopSchedule(long start, double rate, long frequency, TimeSpan duration)
{
    /// <summary>How many sends the whole schedule holds.</summary>
    public long Total { get; } = (long)Math.Floor(duration.TotalSeconds * rate);

    /// <summary>How many sends are due at <paramref name="now"/> (never more than <see cref="Total"/>).</summary>
    public long DueBy(long now) => now < start ? 0 : Math.Min(Total, (long)Math.Floor((now - start) * rate / frequency) + 1);

    /// <summary>The timestamp at which send <paramref name="index"/> is due.</summary>
    public long DueAt(long index) => start + (long)Math.Ceiling(index * (double)frequency / rate);
}
