using Roost.Core.Conversations;
using Roost.Core.Messaging;
using Roost.Protocol.Rest;

namespace Roost.Core.Delivery;

/// <summary>Domain records in their wire form, shared by REST answers and stored events so both say the same thing.</summary>
public static class WireMapping
{
    public static MessageResponse ToResponse(this Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MessageResponse(
            message.ConversationId,
            message.Seq,
            message.SenderId,
            message.ClientId,
            message.Body,
            message.ReplyTo,
            message.SentAt,
            message.EditedAt,
            message.DeletedAt,
            message.Reactions.Select(r => new ReactionResponse(r.AccountId, r.Emoji)).ToList());
    }

    public static MemberResponse ToResponse(this Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new MemberResponse(member.AccountId, member.Username, member.DisplayName, member.Role, member.JoinedAt, member.ReadSeq, member.DeliveredSeq);
    }

    public static ConversationResponse ToResponse(this ConversationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new ConversationResponse(
            view.Conversation.Id,
            view.Conversation.Kind,
            view.Conversation.Title,
            view.Members.Select(m => m.ToResponse()).ToList(),
            view.Me.IsCurrent ? view.Conversation.LastSeq : view.Me.LeftSeq!.Value,
            view.Me.ReadSeq,
            view.UnreadCount,
            view.LastMessage?.ToResponse(),
            view.Me.IsCurrent,
            view.Conversation.CreatedAt);
    }
}
