namespace Roost.Core.Media;

/// <summary>Converts a count of time units to milliseconds without overflow.</summary>
internal static class Durations
{
    /// <summary>Rounded to the nearest millisecond; null for a zero time scale or a result past <see cref="long.MaxValue"/>.</summary>
    public static long? ToMilliseconds(ulong units, ulong unitsPerSecond)
    {
        if (unitsPerSecond == 0)
        {
            return null;
        }

        var milliseconds = (((UInt128)units * 1000) + (unitsPerSecond / 2)) / unitsPerSecond;
        return milliseconds > long.MaxValue ? null : (long)milliseconds;
    }
}
