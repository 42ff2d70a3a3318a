namespace Roost.Core.Push;

/// <summary>Who is pushed about a new message: every recipient but its sender (whose own devices sent or sync it).</summary>
public static class PushAudience
{
    public static long[] For(IReadOnlyList<long> recipients, long senderId)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var chosen = new long[recipients.Count - (recipients.Contains(senderId) ? 1 : 0)];
        var next = 0;
        foreach (var recipient in recipients)
        {
            if (recipient != senderId)
            {
                chosen[next++] = recipient;
            }
        }

        return chosen;
    }
}
