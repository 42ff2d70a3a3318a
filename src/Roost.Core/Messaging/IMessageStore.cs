using Roost.Core.Errors;

namespace Roost.Core.Messaging;

/// <summary>
/// Messages and what happens to them. Each change commits with the events its audience must see; membership and
/// idempotency are checked inside the same transaction.
/// </summary>
public interface IMessageStore
{
    /// <summary>Appends with the next sequence number, or returns the first ack when (sender, client id) was seen before.</summary>
    Task<Outcome<SendResult>> AppendAsync(NewMessage message, CancellationToken cancellationToken);

    Task<Outcome<Done>> EditAsync(long conversationId, long seq, long accountId, string body, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Delete for everyone: the sender, or a group's owner or admin. The body goes; a tombstone stays.</summary>
    Task<Outcome<Done>> DeleteAsync(long conversationId, long seq, long accountId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets (or, with a null emoji, removes) the account's one reaction to a message.</summary>
    Task<Outcome<Done>> ReactAsync(long conversationId, long seq, long accountId, string? emoji, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Raises the account's delivered or read mark to <paramref name="seq"/>; never lowers it.</summary>
    Task<Outcome<Done>> MarkAsync(long conversationId, long accountId, string kind, long seq, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Messages the account may see, ascending, before or after a sequence number.</summary>
    Task<Outcome<MessagePage>> GetHistoryAsync(long conversationId, long accountId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken);
}
