using Roost.Core.Conversations;

namespace Roost.Core.Delivery;

/// <summary>A member's place in a conversation as the audience rules need it: they see seq in (JoinedSeq, LeftSeq].</summary>
public readonly record struct MemberWindow(long AccountId, long JoinedSeq, long? LeftSeq)
{
    public bool IsCurrent => LeftSeq is null;

    public static MemberWindow Of(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new MemberWindow(member.AccountId, member.JoinedSeq, member.LeftSeq);
    }
}

/// <summary>
/// Who receives each event, decided from the conversation's memberships. Engines load the windows and store one
/// recipient row per account these return; they never choose recipients themselves.
/// </summary>
public static class EventAudience
{
    /// <summary>
    /// A new message, a receipt, a rename, a role change, a removal (the removed member hears of it too) and a
    /// conversation's creation: every current member.
    /// </summary>
    public static long[] CurrentMembers(IEnumerable<MemberWindow> members) => Select(members, long.MaxValue);

    /// <summary>A change to message <paramref name="seq"/> (edit, delete, reaction): current members who can see it, not those who joined after it.</summary>
    public static long[] WhoCanSee(IEnumerable<MemberWindow> members, long seq) => Select(members, seq);

    /// <summary>Members added to a group: everyone already in it, and the newcomers.</summary>
    public static long[] MembersAdded(IEnumerable<MemberWindow> before, IEnumerable<long> added) =>
        [.. CurrentMembers(before).Concat(added).Distinct()];

    /// <summary>Current members who joined before <paramref name="seq"/>. A plain loop: this runs for every message sent.</summary>
    private static long[] Select(IEnumerable<MemberWindow> members, long seq)
    {
        ArgumentNullException.ThrowIfNull(members);
        var chosen = new List<long>(members is ICollection<MemberWindow> collection ? collection.Count : 4);
        foreach (var member in members)
        {
            if (member.IsCurrent && member.JoinedSeq < seq)
            {
                chosen.Add(member.AccountId);
            }
        }

        return [.. chosen];
    }

    /// <summary>An account deleted: the members it leaves behind.</summary>
    public static long[] AccountDeleted(IEnumerable<MemberWindow> members, long deletedAccountId) =>
        [.. members.Where(m => m.IsCurrent && m.AccountId != deletedAccountId).Select(m => m.AccountId)];
}
