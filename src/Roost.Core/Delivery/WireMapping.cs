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
            message.Reactions.Select(r => new ReactionResponse(r.AccountId, r.Emoji)).ToList(),
            message.Attachments is { Count: > 0 } attachments ? [.. attachments.Select(ToResponse)] : null);
    }

    public static AttachmentResponse ToResponse(this Media.Attachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return new AttachmentResponse(
            attachment.Id,
            Media.MediaTypes.FromContentType(attachment.ContentType)?.KindName ?? "document",
            attachment.ContentType,
            attachment.Size,
            attachment.Name,
            attachment.Width,
            attachment.Height,
            attachment.DurationMs,
            attachment.Placeholder,
            [.. attachment.Thumbnails.Select(t => new ThumbnailResponse(t.Size, t.Width, t.Height, t.ContentType))]);
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
