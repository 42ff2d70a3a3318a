using System.Text.Json.Serialization;
using Roost.Protocol.Rest;

namespace Roost.Protocol.Events;

/// <summary>
/// A change a user must see, carried in their event stream under a cursor. Stored in this wire form once, at commit,
/// and sent as is to every recipient and every later sync. An unknown <c>type</c> (from a newer server) reads as
/// this base record, so old clients skip it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(MessageCreatedEvent), EventTypes.MessageCreated)]
[JsonDerivedType(typeof(MessageEditedEvent), EventTypes.MessageEdited)]
[JsonDerivedType(typeof(MessageDeletedEvent), EventTypes.MessageDeleted)]
[JsonDerivedType(typeof(ReactionEvent), EventTypes.Reaction)]
[JsonDerivedType(typeof(ReceiptEvent), EventTypes.Receipt)]
[JsonDerivedType(typeof(ConversationCreatedEvent), EventTypes.ConversationCreated)]
[JsonDerivedType(typeof(ConversationRenamedEvent), EventTypes.ConversationRenamed)]
[JsonDerivedType(typeof(MemberAddedEvent), EventTypes.MemberAdded)]
[JsonDerivedType(typeof(MemberRemovedEvent), EventTypes.MemberRemoved)]
[JsonDerivedType(typeof(MemberRoleChangedEvent), EventTypes.MemberRoleChanged)]
public record RoostEvent;

public static class EventTypes
{
    public const string MessageCreated = "message.created";
    public const string MessageEdited = "message.edited";
    public const string MessageDeleted = "message.deleted";
    public const string Reaction = "reaction";
    public const string Receipt = "receipt";
    public const string ConversationCreated = "conversation.created";
    public const string ConversationRenamed = "conversation.renamed";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    public const string MemberRoleChanged = "member.role_changed";
}

/// <summary>A new message. <see cref="ConversationKind"/> ("direct" or "group") lets a client render it without a look-up; events stored before it existed lack it.</summary>
public sealed record MessageCreatedEvent(MessageResponse Message, string? ConversationKind = null) : RoostEvent;

public sealed record MessageEditedEvent(long ConversationId, long Seq, string Body, DateTimeOffset EditedAt) : RoostEvent;

public sealed record MessageDeletedEvent(long ConversationId, long Seq, DateTimeOffset DeletedAt) : RoostEvent;

/// <summary>A member's reaction to a message; a null <see cref="Emoji"/> removes it.</summary>
public sealed record ReactionEvent(long ConversationId, long Seq, long AccountId, string? Emoji) : RoostEvent;

/// <summary>A member has received (<c>delivered</c>) or read (<c>read</c>) every message up to <see cref="Seq"/>.</summary>
public sealed record ReceiptEvent(long ConversationId, long AccountId, string Kind, long Seq) : RoostEvent;

public sealed record ConversationCreatedEvent(long ConversationId, string Kind, string? Title, IReadOnlyList<MemberResponse> Members, long CreatedBy) : RoostEvent;

public sealed record ConversationRenamedEvent(long ConversationId, string Title, long By) : RoostEvent;

/// <summary>Sent to the members and to the new member; the new member sees messages from <see cref="FromSeq"/> on.</summary>
public sealed record MemberAddedEvent(long ConversationId, MemberResponse Member, long By, long FromSeq) : RoostEvent;

/// <summary><see cref="Reason"/> is <c>left</c>, <c>removed</c> or <c>deleted</c> (the account was deleted). The removed member receives this and then nothing more of the conversation.</summary>
public sealed record MemberRemovedEvent(long ConversationId, long AccountId, long By, string Reason) : RoostEvent;

public sealed record MemberRoleChangedEvent(long ConversationId, long AccountId, string Role, long By) : RoostEvent;
