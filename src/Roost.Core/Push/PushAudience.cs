namespace Roost.Core.Push;

/// <summary>Who is pushed about a new message: every recipient but its sender (whose own devices sent or sync it).</summary>
public static class PushAudience
{
    public static long[] For(IReadOnlyList<long> recipients, long senderId)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        // Runs for every message sent: two plain passes, one array.
        var others = 0;
        for (var i = 0; i < recipients.Count; i++)
        {
            others += recipients[i] != senderId ? 1 : 0;
        }

        var chosen = new long[others];
        for (int i = 0, next = 0; i < recipients.Count; i++)
        {
            if (recipients[i] != senderId)
            {
                chosen[next++] = recipients[i];
            }
        }

        return chosen;
    }
}
