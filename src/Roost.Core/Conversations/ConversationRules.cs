using Roost.Core.Errors;

namespace Roost.Core.Conversations;

/// <summary>
/// Who may change a group, decided from roles alone. The store asks these inside its write transaction, so the
/// decision and the change see the same state.
/// </summary>
public static class ConversationRules
{
    public const int MaxTitleLength = 100;

    public static RoostError NotAMember() =>
        new(ErrorKind.Forbidden, ConversationErrorCodes.NotAMember, "You are not a member of that conversation.");

    public static RoostError NotAGroup() =>
        new(ErrorKind.Validation, ConversationErrorCodes.NotAGroup, "Direct conversations have exactly two members and no title.");

    public static RoostError? CanManageMembers(Member actor) =>
        MemberRoles.Rank(actor.Role) >= MemberRoles.Rank(MemberRoles.Admin)
            ? null
            : Insufficient("Only the owner and admins may add members.");

    public static RoostError? CanRename(Member actor) =>
        MemberRoles.Rank(actor.Role) >= MemberRoles.Rank(MemberRoles.Admin) ? null : Insufficient("Only the owner and admins may rename the group.");

    /// <summary>The owner removes anyone; an admin removes plain members; anyone may leave, except the owner while others remain.</summary>
    public static RoostError? CanRemove(Member actor, Member target, int currentMemberCount)
    {
        if (actor.AccountId == target.AccountId)
        {
            return actor.Role == MemberRoles.Owner && currentMemberCount > 1
                ? new RoostError(ErrorKind.Conflict, ConversationErrorCodes.OwnerMustTransfer, "The owner must transfer ownership before leaving.")
                : null;
        }

        return MemberRoles.Rank(actor.Role) > MemberRoles.Rank(target.Role) && MemberRoles.Rank(actor.Role) >= MemberRoles.Rank(MemberRoles.Admin)
            ? null
            : Insufficient("You may remove only members whose role is below yours.");
    }

    public static RoostError? CanSetRole(Member actor, Member target)
    {
        if (actor.Role != MemberRoles.Owner)
        {
            return Insufficient("Only the owner may change roles.");
        }

        return actor.AccountId == target.AccountId
            ? RoostError.Validation("role", "The owner changes their own role by transferring ownership to another member.")
            : null;
    }

    /// <summary>A group may hold at most <paramref name="maxMembers"/>: checked on creation (owner included) and on every addition.</summary>
    public static RoostError? CheckCapacity(int currentMembers, int adding, int maxMembers) =>
        currentMembers + adding > maxMembers
            ? new RoostError(ErrorKind.Conflict, ConversationErrorCodes.GroupFull, $"A group has at most {maxMembers} members.")
            : null;

    /// <summary>
    /// Who owns a group after its owner's account is deleted: the longest-standing admin, else the longest-standing
    /// member (ties by account id). Null when nobody is left.
    /// </summary>
    public static Member? ChooseHeir(IEnumerable<Member> remaining) =>
        remaining.Where(m => m.IsCurrent)
            .OrderByDescending(m => MemberRoles.Rank(m.Role))
            .ThenBy(m => m.JoinedAt)
            .ThenBy(m => m.AccountId)
            .FirstOrDefault();

    /// <summary>
    /// The role changes setting <paramref name="role"/> on <paramref name="target"/> makes, in order: the target's, and
    /// when ownership is transferred, the old owner's demotion to admin (one owner at a time).
    /// </summary>
    public static IReadOnlyList<(long AccountId, string Role)> RoleChanges(Member actor, Member target, string role)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        return role == MemberRoles.Owner
            ? [(target.AccountId, role), (actor.AccountId, MemberRoles.Admin)]
            : [(target.AccountId, role)];
    }

    public static string? ValidateTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return "A title is required.";
        }

        if (title.Length > MaxTitleLength)
        {
            return $"A title has at most {MaxTitleLength} characters.";
        }

        return title.Any(char.IsControl) ? "A title may not contain control characters." : null;
    }

    private static RoostError Insufficient(string message) =>
        new(ErrorKind.Forbidden, ConversationErrorCodes.InsufficientRole, message);
}

public static class ConversationErrorCodes
{
    public const string NotAMember = "not_a_member";
    public const string NotAGroup = "not_a_group";
    public const string InsufficientRole = "insufficient_role";
    public const string OwnerMustTransfer = "owner_must_transfer";
    public const string GroupFull = "group_full";
}
