using Roost.Protocol.Realtime;

namespace Roost.Client.Realtime;

/// <summary>The requests that read the same on a single connection and on the reconnecting client.</summary>
public static class FrameRequests
{
    public static Task<ServerFrame> EditAsync(this IFrameRequester requester, long conversationId, long seq, string body, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.Edit(conversationId, seq, body), cancellationToken);

    public static Task<ServerFrame> DeleteAsync(this IFrameRequester requester, long conversationId, long seq, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.Delete(conversationId, seq), cancellationToken);

    /// <summary>Sets this user's reaction; null removes it.</summary>
    public static Task<ServerFrame> ReactAsync(this IFrameRequester requester, long conversationId, long seq, string? emoji, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.React(conversationId, seq, emoji), cancellationToken);

    public static Task<ServerFrame> MarkDeliveredAsync(this IFrameRequester requester, long conversationId, long seq, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.Delivered(conversationId, seq), cancellationToken);

    public static Task<ServerFrame> MarkReadAsync(this IFrameRequester requester, long conversationId, long seq, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.Read(conversationId, seq), cancellationToken);

    public static Task<ServerFrame> TypingAsync(this IFrameRequester requester, long conversationId, CancellationToken cancellationToken = default) =>
        requester.RequestAsync(ClientFrames.Typing(conversationId), cancellationToken);
}
