namespace Roost.Core.Delivery;

/// <summary>How far compaction may raise the horizon: only over events every one of which is past retention.</summary>
public static class CompactionRule
{
    /// <summary>
    /// The new horizon, given the oldest retained events in cursor order: the last of the unbroken run, from the start,
    /// created before <paramref name="olderThan"/>. Null when the first is still retained. Stopping at the first younger
    /// event keeps it even when an older one follows it (a clock stepped back): the horizon is a prefix of the cursors,
    /// and no event leaves before its retention ends.
    /// </summary>
    public static long? NewHorizon(IEnumerable<(long Cursor, DateTimeOffset CreatedAt)> oldestFirst, DateTimeOffset olderThan)
    {
        ArgumentNullException.ThrowIfNull(oldestFirst);
        long? horizon = null;
        foreach (var (cursor, createdAt) in oldestFirst)
        {
            if (createdAt >= olderThan)
            {
                break;
            }

            horizon = cursor;
        }

        return horizon;
    }
}
