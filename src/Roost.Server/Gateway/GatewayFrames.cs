using System.Text.Json;
using Roost.Core.Errors;
using Roost.Protocol;
using Roost.Protocol.Realtime;

namespace Roost.Server.Gateway;

/// <summary>Serialized control frames (everything but stream events, which come pre-built from the store).</summary>
internal static class GatewayFrames
{
    public static byte[] Hello(long accountId, long deviceId, long headCursor, int maxFrameBytes, int maxMessageBytes) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new HelloFrame(ServerFrameTypes.Hello, accountId, deviceId, headCursor, maxFrameBytes, maxMessageBytes),
            RoostJsonContext.Default.HelloFrame);

    public static byte[] Ack(string? reference, string clientId, long conversationId, long seq, DateTimeOffset sentAt, bool duplicate) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new AckFrame(ServerFrameTypes.Ack, reference, clientId, conversationId, seq, sentAt, duplicate),
            RoostJsonContext.Default.AckFrame);

    public static byte[] Ok(string? reference) =>
        JsonSerializer.SerializeToUtf8Bytes(new OkFrame(ServerFrameTypes.Ok, reference), RoostJsonContext.Default.OkFrame);

    public static byte[] Pong(string? reference) =>
        JsonSerializer.SerializeToUtf8Bytes(new PongFrame(ServerFrameTypes.Pong, reference), RoostJsonContext.Default.PongFrame);

    public static byte[] Error(string? reference, string code, string message, TimeSpan? retryAfter = null) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ErrorFrame(ServerFrameTypes.Error, reference, code, message, retryAfter is { } wait ? (long)Math.Ceiling(wait.TotalMilliseconds) : null),
            RoostJsonContext.Default.ErrorFrame);

    public static byte[] Error(string? reference, RoostError error)
    {
        var message = error.FieldErrors is { Count: > 0 } fields
            ? error.Message + " " + string.Join(" ", fields.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")))
            : error.Message;
        return Error(reference, error.Code, message, error.RetryAfter);
    }

    public static byte[] Synced(string? reference, long cursor) =>
        JsonSerializer.SerializeToUtf8Bytes(new SyncedFrame(ServerFrameTypes.Synced, reference, cursor), RoostJsonContext.Default.SyncedFrame);

    public static byte[] ResyncRequired(string? reference, long cursor) =>
        JsonSerializer.SerializeToUtf8Bytes(new ResyncRequiredFrame(ServerFrameTypes.ResyncRequired, reference, cursor), RoostJsonContext.Default.ResyncRequiredFrame);

    public static byte[] Typing(long conversationId, long accountId, int expiresInMs) =>
        JsonSerializer.SerializeToUtf8Bytes(new TypingFrame(ServerFrameTypes.Typing, conversationId, accountId, expiresInMs), RoostJsonContext.Default.TypingFrame);
}

/// <summary>Error codes that only the gateway produces.</summary>
public static class GatewayErrorCodes
{
    public const string MalformedFrame = "malformed_frame";
    public const string UnknownType = "unknown_type";
    public const string BinaryNotSupported = "binary_not_supported";
    public const string MissingField = "missing_field";
    public const string WebSocketRequired = "websocket_required";
}
