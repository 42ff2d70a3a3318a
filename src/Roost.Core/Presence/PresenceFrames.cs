using System.Text.Json;
using Roost.Protocol;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Core.Presence;

/// <summary>The presence frames a connection receives, serialized once for every watcher.</summary>
internal static class PresenceFrames
{
    /// <summary>What a watcher is shown: hidden (no last seen), online, or offline with the last time seen.</summary>
    public static PresenceResponse Describe(long accountId, bool hidden, bool online, DateTimeOffset? lastSeenAt) =>
        hidden
            ? new PresenceResponse(accountId, PresenceService.Hidden, null)
            : online
                ? new PresenceResponse(accountId, PresenceService.Online, null)
                : new PresenceResponse(accountId, PresenceService.Offline, lastSeenAt);

    public static byte[] Changed(PresenceResponse presence) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new PresenceFrame(ServerFrameTypes.Presence, presence.AccountId, presence.Status, presence.LastSeenAt),
            RoostJsonContext.Default.PresenceFrame);

    public static byte[] Subscribed(string? reference, IReadOnlyList<PresenceResponse> presence) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new PresenceSubscribedFrame(ServerFrameTypes.PresenceSubscribed, reference, presence),
            RoostJsonContext.Default.PresenceSubscribedFrame);
}
