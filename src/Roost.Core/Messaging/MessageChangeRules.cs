using Roost.Core.Conversations;
using Roost.Core.Errors;

namespace Roost.Core.Messaging;

/// <summary>
/// Who may change a message and what a change does, decided from rows the engine loads inside its write transaction
/// (the actor's membership, the message). Engines write what these decide.
/// </summary>
public static class MessageChangeRules
{
    /// <summary>A message the actor may act on (edit, delete, react to): they are a current member, can see it, and it is not deleted.</summary>
    public static RoostError? CheckTarget(Member? actor, Message? target)
    {
        if (actor is not { IsCurrent: true })
        {
            return ConversationRules.NotAMember();
        }

        if (target is null || !actor.CanSee(target.Seq))
        {
            return MessageRules.MessageNotFound();
        }

        return target.DeletedAt is null ? null : new RoostError(ErrorKind.Conflict, MessagingErrorCodes.MessageDeleted, "That message was deleted.");
    }

    /// <summary>Only the sender edits.</summary>
    public static RoostError? CanEdit(Member actor, Message target)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        return target.SenderId == actor.AccountId
            ? null
            : new RoostError(ErrorKind.Forbidden, MessagingErrorCodes.NotSender, "Only the sender may edit a message.");
    }

    /// <summary>Delete for everyone: the sender, or a group's owner or admin.</summary>
    public static RoostError? CanDelete(Member actor, Message target)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        return target.SenderId == actor.AccountId || MemberRoles.Rank(actor.Role) >= MemberRoles.Rank(MemberRoles.Admin)
            ? null
            : new RoostError(ErrorKind.Forbidden, MessagingErrorCodes.NotSender, "Only the sender, or a group's owner or admin, may delete a message.");
    }

    /// <summary>A reply names a message of the conversation the sender can see: after they joined, and stored (<paramref name="replyExists"/>).</summary>
    public static RoostError? CheckReplyTo(long replyTo, long senderJoinedSeq, bool replyExists) =>
        replyTo <= senderJoinedSeq || !replyExists
            ? RoostError.Validation("replyTo", "replyTo must be a message of this conversation that you can see.")
            : null;

    /// <summary>
    /// The delivered or read mark a receipt sets, or null when it changes nothing: never past the newest message,
    /// never backwards. (Reading implies having received: a read mark raises the delivered mark with it.)
    /// </summary>
    public static long? NextMark(Member actor, string kind, long requestedSeq, long lastSeq)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var mark = Math.Min(requestedSeq, lastSeq);
        var current = kind == ReceiptKinds.Read ? actor.ReadSeq : actor.DeliveredSeq;
        return mark > current ? mark : null;
    }
}

/// <summary>
/// The messages one page of history covers, within what the member may see: (JoinedSeq, LeftSeq or the newest].
/// <see cref="Descending"/> pages read newest first and take the last <c>limit</c>; the engine loads
/// <c>limit + 1</c> rows in that order to learn whether there are more.
/// </summary>
public readonly record struct HistoryWindow(long AfterSeq, long ThroughSeq, bool Descending)
{
    public static HistoryWindow For(Member member, long lastSeq, long? beforeSeq, long? afterSeq)
    {
        ArgumentNullException.ThrowIfNull(member);
        var from = member.JoinedSeq;
        var through = member.LeftSeq ?? lastSeq;
        if (afterSeq is { } after)
        {
            return new HistoryWindow(Math.Max(from, after), through, Descending: false);
        }

        var upTo = beforeSeq is { } before ? Math.Min(through, before - 1) : through;
        return new HistoryWindow(from, upTo, Descending: true);
    }

    /// <summary>The page from <paramref name="loaded"/> (ascending, at most limit + 1 rows loaded in this window's order), and whether more remain.</summary>
    public MessagePage Page(List<Message> loaded, int limit)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var more = loaded.Count > limit;
        return new MessagePage(Descending ? [.. loaded.Skip(more ? 1 : 0)] : [.. loaded.Take(limit)], more);
    }
}
