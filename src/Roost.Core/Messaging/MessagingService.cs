using System.Text;
using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Messaging;

/// <summary>
/// Send, change and read messages. Validation and rate limits here, before the store is touched; membership,
/// idempotency and sequencing in the store's transaction.
/// </summary>
public sealed class MessagingService(IRoostStore store, TimeProvider time, MessagingLimits limits, MessageRateLimiter rateLimiter)
{
    public MessagingLimits Limits => limits;

    public async Task<Outcome<SendResult>> SendAsync(long senderId, long conversationId, string? clientId, string? body, long? replyTo, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIfPresent("clientId", MessageRules.ValidateClientId(clientId));
        errors.AddIfPresent("body", MessageRules.ValidateBody(body, limits.MaxMessageBytes));
        if (replyTo is <= 0)
        {
            errors.Add("replyTo", "replyTo is the sequence number of a message in this conversation.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        return rateLimiter.TryMessage(senderId, conversationId, Encoding.UTF8.GetByteCount(body!)) is { } limited
            ? limited
            : await store.Messages.AppendAsync(new NewMessage(conversationId, senderId, clientId!, body!, replyTo, time.GetStoredNow()), cancellationToken);
    }

    public async Task<Outcome<Done>> EditAsync(long accountId, long conversationId, long seq, string? body, CancellationToken cancellationToken)
    {
        if (MessageRules.ValidateBody(body, limits.MaxMessageBytes) is { } problem)
        {
            return RoostError.Validation("body", problem);
        }

        return rateLimiter.TryMessage(accountId, conversationId, Encoding.UTF8.GetByteCount(body!)) is { } limited
            ? limited
            : await store.Messages.EditAsync(conversationId, seq, accountId, body!, time.GetStoredNow(), cancellationToken);
    }

    public async Task<Outcome<Done>> DeleteAsync(long accountId, long conversationId, long seq, CancellationToken cancellationToken) =>
        rateLimiter.TryMessage(accountId, conversationId, 0) is { } limited
            ? limited
            : await store.Messages.DeleteAsync(conversationId, seq, accountId, time.GetStoredNow(), cancellationToken);

    public async Task<Outcome<Done>> ReactAsync(long accountId, long conversationId, long seq, string? emoji, CancellationToken cancellationToken)
    {
        if (emoji is not null && MessageRules.ValidateEmoji(emoji) is { } problem)
        {
            return RoostError.Validation("emoji", problem);
        }

        return rateLimiter.TryMessage(accountId, conversationId, 0) is { } limited
            ? limited
            : await store.Messages.ReactAsync(conversationId, seq, accountId, emoji, time.GetStoredNow(), cancellationToken);
    }

    public async Task<Outcome<Done>> MarkAsync(long accountId, long conversationId, string kind, long seq, CancellationToken cancellationToken)
    {
        if (seq < 0)
        {
            return RoostError.Validation("seq", "seq is a sequence number (0 or more).");
        }

        return rateLimiter.TryReceipt(accountId) is { } limited
            ? limited
            : await store.Messages.MarkAsync(conversationId, accountId, kind, seq, time.GetStoredNow(), cancellationToken);
    }

    /// <summary>Typing is ephemeral and coalesced by the gateway; this bounds how often one account may ask.</summary>
    public RoostError? CheckTyping(long accountId) => rateLimiter.TryTyping(accountId);

    public Task<Outcome<MessagePage>> HistoryAsync(long accountId, long conversationId, long? beforeSeq, long? afterSeq, int? limit, CancellationToken cancellationToken) =>
        store.Messages.GetHistoryAsync(conversationId, accountId, beforeSeq, afterSeq, Math.Clamp(limit ?? 50, 1, limits.MaxHistoryPage), cancellationToken);
}
