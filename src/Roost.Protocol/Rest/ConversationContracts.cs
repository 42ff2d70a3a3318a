namespace Roost.Protocol.Rest;

/// <summary>POST /v1/conversations/direct: the one direct conversation with this user, created on first use.</summary>
public sealed record CreateDirectRequest(string? Username);

/// <summary>POST /v1/conversations/groups</summary>
public sealed record CreateGroupRequest(string? Title, IReadOnlyList<string>? Members);

/// <summary>PATCH /v1/conversations/{id}</summary>
public sealed record RenameConversationRequest(string? Title);

/// <summary>POST /v1/conversations/{id}/members</summary>
public sealed record AddMembersRequest(IReadOnlyList<string>? Usernames);

/// <summary>PUT /v1/conversations/{id}/members/{accountId}/role: "admin" or "member"; "owner" transfers ownership.</summary>
public sealed record SetRoleRequest(string? Role);

/// <summary>A member; <see cref="ReadSeq"/> and <see cref="DeliveredSeq"/> are their receipt marks (shown to the other members).</summary>
public sealed record MemberResponse(long AccountId, string Username, string DisplayName, string Role, DateTimeOffset JoinedAt, long ReadSeq = 0, long DeliveredSeq = 0);

/// <summary>A conversation as one member sees it.</summary>
public sealed record ConversationResponse(
    long Id,
    string Kind,
    string? Title,
    IReadOnlyList<MemberResponse> Members,
    long LastSeq,
    long ReadSeq,
    long UnreadCount,
    MessageResponse? LastMessage,
    bool IsMember,
    DateTimeOffset CreatedAt);

/// <summary>GET /v1/conversations. <see cref="Cursor"/> is the event cursor this page is consistent with: sync from it to stay current.</summary>
public sealed record ConversationListResponse(IReadOnlyList<ConversationResponse> Conversations, long? NextAfter, long Cursor);

/// <summary>POST /v1/conversations/{id}/messages</summary>
/// <summary>POST /v1/conversations/{id}/messages. <see cref="Attachments"/>: ids of media the sender uploaded (ready).</summary>
public sealed record SendMessageRequest(string? ClientId, string? Body, long? ReplyTo = null, IReadOnlyList<string>? Attachments = null);

public sealed record MessageResponse(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientId,
    string? Body,
    long? ReplyTo,
    DateTimeOffset SentAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    IReadOnlyList<ReactionResponse> Reactions,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<AttachmentResponse>? Attachments = null);

public sealed record ReactionResponse(long AccountId, string Emoji);

/// <summary>GET /v1/conversations/{id}/messages: ascending by seq. Page older history with <c>before</c>, newer with <c>after</c>.</summary>
public sealed record MessagePageResponse(IReadOnlyList<MessageResponse> Messages, bool HasMore);

/// <summary>The acknowledgement of a committed send. <see cref="Duplicate"/> is true when the client id had been used: nothing new was created.</summary>
public sealed record SendAck(long ConversationId, long Seq, string ClientId, DateTimeOffset SentAt, bool Duplicate);

public sealed record PresenceResponse(long AccountId, string Status, DateTimeOffset? LastSeenAt);

public sealed record PresenceListResponse(IReadOnlyList<PresenceResponse> Presence);

/// <summary>PUT /v1/account/presence</summary>
public sealed record PresenceSettingsRequest(bool? Hidden);
