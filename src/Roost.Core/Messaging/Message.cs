namespace Roost.Core.Messaging;

public sealed record Message(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientId,
    string? Body,
    long? ReplyTo,
    DateTimeOffset SentAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    IReadOnlyList<Reaction> Reactions,
    IReadOnlyList<Media.Attachment>? Attachments = null);

public sealed record Reaction(long AccountId, string Emoji);

/// <summary>A message to append. <see cref="MediaIds"/>: media the sender uploaded, attached in the append's transaction.</summary>
public sealed record NewMessage(long ConversationId, long SenderId, string ClientId, string Body, long? ReplyTo, DateTimeOffset Now, IReadOnlyList<string>? MediaIds = null);

/// <summary>What the store remembers of the first send under a client id. <see cref="Changed"/>: edited or deleted since, so the original body is unknown.</summary>
public sealed record FirstSend(long ConversationId, long Seq, DateTimeOffset SentAt, string? Body, long? ReplyTo, bool Changed);

/// <summary>The acknowledgement of a send. <see cref="Duplicate"/>: the client id was used before and this is the first send's ack.</summary>
public sealed record SendResult(long ConversationId, long Seq, string ClientId, DateTimeOffset SentAt, bool Duplicate);

public sealed record MessagePage(IReadOnlyList<Message> Messages, bool HasMore);

public static class ReceiptKinds
{
    public const string Delivered = "delivered";
    public const string Read = "read";
}
