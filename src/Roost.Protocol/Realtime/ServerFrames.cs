using System.Text.Json.Serialization;

namespace Roost.Protocol.Realtime;

/// <summary>Frames the server sends. Each carries its <c>type</c> first; event frames are written directly from stored bytes.</summary>
public static class ServerFrameTypes
{
    public const string Hello = "hello";
    public const string Ack = "ack";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Event = "event";
    public const string Synced = "synced";
    public const string ResyncRequired = "resync_required";
    public const string Typing = "typing";
    public const string Presence = "presence";
    public const string PresenceSubscribed = "presence.subscribed";
    public const string Pong = "pong";
}

/// <summary>First frame on a connection: who you are, the current head cursor, and the limits that apply.</summary>
public sealed record HelloFrame(
    [property: JsonPropertyOrder(-1)] string Type,
    long AccountId,
    long DeviceId,
    long HeadCursor,
    int MaxFrameBytes,
    int MaxMessageBytes);

public sealed record AckFrame(
    [property: JsonPropertyOrder(-1)] string Type,
    string? Ref,
    string ClientId,
    long ConversationId,
    long Seq,
    DateTimeOffset SentAt,
    bool Duplicate);

public sealed record OkFrame([property: JsonPropertyOrder(-1)] string Type, string? Ref);

/// <summary>A frame or operation failed; the connection stays open. <see cref="RetryAfterMs"/> is set when retrying later can succeed (rate_limited, storage_full).</summary>
public sealed record ErrorFrame(
    [property: JsonPropertyOrder(-1)] string Type,
    string? Ref,
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RetryAfterMs = null);

/// <summary>All stored events after the requested cursor have been sent; live events follow. <see cref="Cursor"/> is the last one sent (or the request's).</summary>
public sealed record SyncedFrame([property: JsonPropertyOrder(-1)] string Type, string? Ref, long Cursor);

/// <summary>The requested cursor is older than the retained events: rebuild state over REST, then sync from <see cref="Cursor"/>.</summary>
public sealed record ResyncRequiredFrame([property: JsonPropertyOrder(-1)] string Type, string? Ref, long Cursor);

/// <summary>Ephemeral: a member is typing. Never stored; expires after <see cref="ExpiresInMs"/>.</summary>
public sealed record TypingFrame([property: JsonPropertyOrder(-1)] string Type, long ConversationId, long AccountId, int ExpiresInMs);

/// <summary>Ephemeral: an account this connection subscribed to came online, went offline, or hid or showed its presence.</summary>
public sealed record PresenceFrame([property: JsonPropertyOrder(-1)] string Type, long AccountId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>The answer to <c>presence.subscribe</c>: the current presence of each account asked for, in the order asked.</summary>
public sealed record PresenceSubscribedFrame([property: JsonPropertyOrder(-1)] string Type, string? Ref, IReadOnlyList<Rest.PresenceResponse> Presence);

public sealed record PongFrame([property: JsonPropertyOrder(-1)] string Type, string? Ref);

/// <summary>What a client reads: the members of every server frame, flat. <see cref="Event"/> is set on <c>event</c> frames.</summary>
public sealed record ServerFrame
{
    public string? Type { get; init; }

    public string? Ref { get; init; }

    public long? Cursor { get; init; }

    public Events.RoostEvent? Event { get; init; }

    public string? Code { get; init; }

    public string? Message { get; init; }

    /// <summary>On an error that a later retry can pass (rate_limited, storage_full): milliseconds to wait first.</summary>
    public long? RetryAfterMs { get; init; }

    public string? ClientId { get; init; }

    public long? ConversationId { get; init; }

    public long? Seq { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public bool? Duplicate { get; init; }

    public long? AccountId { get; init; }

    public long? DeviceId { get; init; }

    public long? HeadCursor { get; init; }

    public int? MaxFrameBytes { get; init; }

    public int? MaxMessageBytes { get; init; }

    public int? ExpiresInMs { get; init; }

    public string? Status { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>On <c>presence.subscribed</c>: the presence of each account the subscription asked for.</summary>
    public IReadOnlyList<Rest.PresenceResponse>? Presence { get; init; }
}
