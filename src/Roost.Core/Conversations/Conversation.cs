namespace Roost.Core.Conversations;

public static class ConversationKinds
{
    public const string Direct = "direct";
    public const string Group = "group";
}

public static class MemberRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static bool IsKnown(string? role) => role is Owner or Admin or Member;

    /// <summary>Higher outranks lower: owner 2, admin 1, member 0.</summary>
    public static int Rank(string role) => role switch
    {
        Owner => 2,
        Admin => 1,
        _ => 0,
    };
}

public sealed record Conversation(long Id, string Kind, string? Title, long CreatedBy, DateTimeOffset CreatedAt, long LastSeq);

/// <summary>
/// A membership. The member sees messages with <c>JoinedSeq &lt; seq</c> and, after leaving, <c>seq &lt;= LeftSeq</c>.
/// </summary>
public sealed record Member(
    long ConversationId,
    long AccountId,
    string Username,
    string DisplayName,
    string Role,
    long JoinedSeq,
    long? LeftSeq,
    long ReadSeq,
    long DeliveredSeq,
    DateTimeOffset JoinedAt)
{
    public bool IsCurrent => LeftSeq is null;

    public bool CanSee(long seq) => seq > JoinedSeq && (LeftSeq is null || seq <= LeftSeq);
}

/// <summary>A conversation as one account sees it.</summary>
public sealed record ConversationView(
    Conversation Conversation,
    Member Me,
    IReadOnlyList<Member> Members,
    long UnreadCount,
    Messaging.Message? LastMessage);

public sealed record ConversationPage(IReadOnlyList<ConversationView> Conversations, long? NextAfter, long Cursor);
