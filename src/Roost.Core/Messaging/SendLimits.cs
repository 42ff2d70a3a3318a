using Roost.Core.RateLimiting;

namespace Roost.Core.Messaging;

/// <summary>
/// How fast one account may send, and how busy one conversation may get. Defaults suit a person typing (with room
/// for a client flushing an offline queue); a bot or bridge that needs more gets higher settings.
/// </summary>
public sealed record SendLimits
{
    /// <summary>Messages (and edits, deletes, reactions) per account.</summary>
    public BucketLimit MessagesPerAccount { get; init; } = new() { Rate = 10, Period = TimeSpan.FromSeconds(1), Burst = 50 };

    /// <summary>Bytes of message bodies (sends and edits) per account. The burst must hold the largest message.</summary>
    public BucketLimit BytesPerAccount { get; init; } = new() { Rate = 16 * 1024 * 1024, Period = TimeSpan.FromMinutes(1), Burst = 4 * 1024 * 1024 };

    /// <summary>Messages per conversation, from all its members together: bounds the fan-out one conversation causes.</summary>
    public BucketLimit MessagesPerConversation { get; init; } = new() { Rate = 30, Period = TimeSpan.FromSeconds(1), Burst = 100 };

    /// <summary>Delivered and read receipts per account: looser, a client marks as it scrolls.</summary>
    public BucketLimit ReceiptsPerAccount { get; init; } = new() { Rate = 50, Period = TimeSpan.FromSeconds(1), Burst = 200 };

    /// <summary>Typing frames per account (each is also coalesced per conversation).</summary>
    public BucketLimit TypingPerAccount { get; init; } = new() { Rate = 5, Period = TimeSpan.FromSeconds(1), Burst = 20 };

    /// <summary>
    /// <c>presence.subscribe</c> frames per account: each checks up to 100 accounts against the store, and a client
    /// sends one when the user opens a chat.
    /// </summary>
    public BucketLimit PresenceSubscribesPerAccount { get; init; } = new() { Rate = 2, Period = TimeSpan.FromSeconds(1), Burst = 20 };

    /// <summary>Accounts or conversations tracked per table; idle (refilled) entries are forgotten past it.</summary>
    public int MaxTrackedKeys { get; init; } = 100_000;
}
