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

    public Task<Outcome<SendResult>> SendAsync(long senderId, long conversationId, string? clientId, string? body, long? replyTo, CancellationToken cancellationToken) =>
        SendAsync(senderId, conversationId, clientId, body, replyTo, null, cancellationToken);

    /// <summary>A message with text, attachments (ids of the sender's ready media), or both.</summary>
    public async Task<Outcome<SendResult>> SendAsync(long senderId, long conversationId, string? clientId, string? body, long? replyTo, IReadOnlyList<string>? attachments, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIfPresent("clientId", MessageRules.ValidateClientId(clientId));
        errors.AddIfPresent("attachments", Media.AttachmentRules.ValidateIds(attachments, limits.MaxAttachmentsPerMessage));
        var hasAttachments = attachments is { Count: > 0 };
        if (hasAttachments && string.IsNullOrEmpty(body))
        {
            body = ""; // A photo without a caption.
        }
        else
        {
            errors.AddIfPresent("body", MessageRules.ValidateBody(body, limits.MaxMessageBytes));
        }
        if (replyTo is <= 0)
        {
            errors.Add("replyTo", "replyTo is the sequence number of a message in this conversation.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var message = new NewMessage(conversationId, senderId, clientId!, body!, replyTo, time.GetStoredNow(), hasAttachments ? attachments : null);
        return await ChargedAsync(
            senderId, conversationId, Encoding.UTF8.GetByteCount(body!), () => store.Messages.AppendAsync(message, cancellationToken), ack => ack.Duplicate);
    }

    public async Task<Outcome<Done>> EditAsync(long accountId, long conversationId, long seq, string? body, CancellationToken cancellationToken)
    {
        if (MessageRules.ValidateBody(body, limits.MaxMessageBytes) is { } problem)
        {
            return RoostError.Validation("body", problem);
        }

        return await ChargedAsync(
            accountId, conversationId, Encoding.UTF8.GetByteCount(body!), () => store.Messages.EditAsync(conversationId, seq, accountId, body!, time.GetStoredNow(), cancellationToken));
    }

    public Task<Outcome<Done>> DeleteAsync(long accountId, long conversationId, long seq, CancellationToken cancellationToken) =>
        ChargedAsync(accountId, conversationId, 0, () => store.Messages.DeleteAsync(conversationId, seq, accountId, time.GetStoredNow(), cancellationToken));

    public async Task<Outcome<Done>> ReactAsync(long accountId, long conversationId, long seq, string? emoji, CancellationToken cancellationToken)
    {
        if (emoji is not null && MessageRules.ValidateEmoji(emoji) is { } problem)
        {
            return RoostError.Validation("emoji", problem);
        }

        return await ChargedAsync(accountId, conversationId, 0, () => store.Messages.ReactAsync(conversationId, seq, accountId, emoji, time.GetStoredNow(), cancellationToken));
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

    /// <summary>
    /// Runs a message-level write within the account's and the conversation's budgets. What the store refuses (not a
    /// member, no such message, a full disk) or finds a duplicate stored nothing new, so its tokens are given back.
    /// </summary>
    private async Task<Outcome<T>> ChargedAsync<T>(long accountId, long conversationId, int bodyBytes, Func<Task<Outcome<T>>> write, Func<T, bool>? storedNothing = null)
    {
        if (rateLimiter.TryMessage(accountId, conversationId, bodyBytes, out var charge) is { } limited)
        {
            return limited;
        }

        Outcome<T> outcome;
        try
        {
            outcome = await write();
        }
        catch
        {
            charge.Refund();
            throw;
        }

        if (!outcome.IsSuccess || (storedNothing?.Invoke(outcome.Value) ?? false))
        {
            charge.Refund();
        }

        return outcome;
    }

    /// <summary>Typing is ephemeral and coalesced by the gateway; this bounds how often one account may ask.</summary>
    public RoostError? CheckTyping(long accountId) => rateLimiter.TryTyping(accountId);

    /// <summary>Bounds how often one account may replace its presence subscription (each one reads the store).</summary>
    public RoostError? CheckPresenceSubscribe(long accountId) => rateLimiter.TryPresenceSubscribe(accountId);

    public Task<Outcome<MessagePage>> HistoryAsync(long accountId, long conversationId, long? beforeSeq, long? afterSeq, int? limit, CancellationToken cancellationToken) =>
        store.Messages.GetHistoryAsync(conversationId, accountId, beforeSeq, afterSeq, Math.Clamp(limit ?? 50, 1, limits.MaxHistoryPage), cancellationToken);
}
