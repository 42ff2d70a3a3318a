using Roost.Protocol.Realtime;

namespace Roost.Client.Realtime;

/// <summary>The client frames of docs/protocol.md, built in one place for every connection type.</summary>
public static class ClientFrames
{
    public static ClientFrame Send(long conversationId, string body, string clientId, long? replyTo = null) =>
        new() { Type = ClientFrameTypes.Send, ConversationId = conversationId, Body = body, ClientId = clientId, ReplyTo = replyTo };

    public static ClientFrame Sync(long? cursor) => new() { Type = ClientFrameTypes.Sync, Cursor = cursor };

    public static ClientFrame Edit(long conversationId, long seq, string body) =>
        new() { Type = ClientFrameTypes.Edit, ConversationId = conversationId, Seq = seq, Body = body };

    public static ClientFrame Delete(long conversationId, long seq) =>
        new() { Type = ClientFrameTypes.Delete, ConversationId = conversationId, Seq = seq };

    public static ClientFrame React(long conversationId, long seq, string? emoji) =>
        new() { Type = ClientFrameTypes.React, ConversationId = conversationId, Seq = seq, Emoji = emoji };

    public static ClientFrame Delivered(long conversationId, long seq) =>
        new() { Type = ClientFrameTypes.Delivered, ConversationId = conversationId, Seq = seq };

    public static ClientFrame Read(long conversationId, long seq) =>
        new() { Type = ClientFrameTypes.Read, ConversationId = conversationId, Seq = seq };

    public static ClientFrame Typing(long conversationId) => new() { Type = ClientFrameTypes.Typing, ConversationId = conversationId };

    public static ClientFrame Ping() => new() { Type = ClientFrameTypes.Ping };

    public static ClientFrame SubscribePresence(IReadOnlyList<long> accountIds) => new() { Type = ClientFrameTypes.PresenceSubscribe, AccountIds = accountIds };
}
