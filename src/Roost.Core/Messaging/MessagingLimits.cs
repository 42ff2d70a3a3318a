namespace Roost.Core.Messaging;

/// <summary>Limits the messaging use cases enforce; bound from <c>Roost:Messaging</c>.</summary>
public sealed record MessagingLimits
{
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    public int MaxGroupMembers { get; init; } = 1024;

    public int MaxHistoryPage { get; init; } = 200;

    public int MaxConversationPage { get; init; } = 200;

    public int MaxAttachmentsPerMessage { get; init; } = 10;
}
