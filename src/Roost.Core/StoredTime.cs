namespace Roost.Core;

public static class StoredTime
{
    /// <summary>
    /// Now, to the millisecond: the precision the stores keep, so a value sent before it is stored (an ack, a live
    /// event) equals the value read back later (a repeated ack, history).
    /// </summary>
    public static DateTimeOffset GetStoredNow(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
