using System.Text.Json.Serialization;

namespace Roost.Protocol.Realtime;

/// <summary>
/// Every frame a client sends, as one flat record: <see cref="Type"/> says which members matter (docs/protocol.md).
/// One shape keeps parsing to a single source-generated pass; unknown members are refused.
/// </summary>
public sealed record ClientFrame
{
    public string? Type { get; init; }

    /// <summary>Echoed in the answer (ok, error, synced), so a client can match answers to requests.</summary>
    public string? Ref { get; init; }

    public string? ClientId { get; init; }

    public long? ConversationId { get; init; }

    public string? Body { get; init; }

    public long? ReplyTo { get; init; }

    /// <summary>On <c>send</c>: ids of media the sender uploaded, to attach. Left out of other frames.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Attachments { get; init; }

    public long? Seq { get; init; }

    public string? Emoji { get; init; }

    public long? Cursor { get; init; }

    /// <summary>On <c>presence.subscribe</c>: the accounts whose presence to follow, replacing the previous set. Left out of other frames.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<long>? AccountIds { get; init; }
}

public static class ClientFrameTypes
{
    public const string Send = "send";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string React = "react";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Typing = "typing";
    public const string Sync = "sync";
    public const string Ping = "ping";
    public const string PresenceSubscribe = "presence.subscribe";
}
