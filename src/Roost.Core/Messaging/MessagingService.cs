using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Messaging;

/// <summary>Send, change and read messages. Validation here; membership, idempotency and sequencing in the store's transaction.</summary>
public sealed class MessagingService(IRoostStore store, TimeProvider time, MessagingLimits limits)
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

        return errors.Any
            ? errors.ToError()
            : await store.Messages.AppendAsync(new NewMessage(conversationId, senderId, clientId!, body!, replyTo, time.GetStoredNow()), cancellationToken);
    }

    public async Task<Outcome<Done>> EditAsync(long accountId, long conversationId, long seq, string? body, CancellationToken cancellationToken) =>
        MessageRules.ValidateBody(body, limits.MaxMessageBytes) is { } problem
            ? RoostError.Validation("body", problem)
            : await store.Messages.EditAsync(conversationId, seq, accountId, body!, time.GetStoredNow(), cancellationToken);

    public Task<Outcome<Done>> DeleteAsync(long accountId, long conversationId, long seq, CancellationToken cancellationToken) =>
        store.Messages.DeleteAsync(conversationId, seq, accountId, time.GetStoredNow(), cancellationToken);

    public async Task<Outcome<Done>> ReactAsync(long accountId, long conversationId, long seq, string? emoji, CancellationToken cancellationToken) =>
        emoji is not null && MessageRules.ValidateEmoji(emoji) is { } problem
            ? RoostError.Validation("emoji", problem)
            : await store.Messages.ReactAsync(conversationId, seq, accountId, emoji, time.GetStoredNow(), cancellationToken);

    public async Task<Outcome<Done>> MarkAsync(long accountId, long conversationId, string kind, long seq, CancellationToken cancellationToken) =>
        seq < 0
            ? RoostError.Validation("seq", "seq is a sequence number (0 or more).")
            : await store.Messages.MarkAsync(conversationId, accountId, kind, seq, time.GetStoredNow(), cancellationToken);

    public Task<Outcome<MessagePage>> HistoryAsync(long accountId, long conversationId, long? beforeSeq, long? afterSeq, int? limit, CancellationToken cancellationToken) =>
        store.Messages.GetHistoryAsync(conversationId, accountId, beforeSeq, afterSeq, Math.Clamp(limit ?? 50, 1, limits.MaxHistoryPage), cancellationToken);
}
