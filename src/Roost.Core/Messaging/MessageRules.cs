using System.Globalization;
using System.Text;
using Roost.Core.Errors;

namespace Roost.Core.Messaging;

/// <summary>What a message, a client id and a reaction may look like.</summary>
public static class MessageRules
{
    public const int MaxClientIdLength = 64;
    public const int MaxEmojiBytes = 64;

    public static string? ValidateClientId(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return "A client id is required: a string the sender chooses, unique per message.";
        }

        if (clientId.Length > MaxClientIdLength)
        {
            return $"A client id has at most {MaxClientIdLength} characters.";
        }

        return clientId.All(c => c is >= '!' and <= '~') ? null : "A client id is printable ASCII without spaces.";
    }

    public static string? ValidateBody(string? body, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "A message needs text.";
        }

        // Bounded before counting: no valid body has more UTF-16 units than bytes.
        if (body.Length > maxBytes || Encoding.UTF8.GetByteCount(body) > maxBytes)
        {
            return $"A message has at most {maxBytes} bytes of UTF-8.";
        }

        return null;
    }

    /// <summary>One emoji: a single grapheme cluster that is not plain text.</summary>
    public static string? ValidateEmoji(string? emoji)
    {
        if (string.IsNullOrEmpty(emoji) || emoji.Length > MaxEmojiBytes || Encoding.UTF8.GetByteCount(emoji) > MaxEmojiBytes)
        {
            return "A reaction is one emoji.";
        }

        if (new StringInfo(emoji).LengthInTextElements != 1 || char.IsAsciiLetterOrDigit(emoji[0]) || char.IsWhiteSpace(emoji[0]) || char.IsControl(emoji[0]))
        {
            return "A reaction is one emoji.";
        }

        return null;
    }

    /// <summary>
    /// A send whose (sender, client id) was stored before. The same message again (a retry after a lost ack) gets
    /// the first ack, marked duplicate. The id naming a different message is a client bug (a restarted counter, say)
    /// that would otherwise lose that message silently, so it is refused: in another conversation with
    /// <c>client_id_reused</c>, with another body or reply with <c>client_id_conflict</c>. Once the first message
    /// was edited or deleted its original text is gone, and a repeat is taken as the retry it most likely is.
    /// </summary>
    public static Outcome<SendResult> AnswerRepeatedSend(FirstSend first, NewMessage repeat)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(repeat);
        if (first.ConversationId != repeat.ConversationId)
        {
            return ClientIdReused();
        }

        if (!first.Changed && (!string.Equals(first.Body, repeat.Body, StringComparison.Ordinal) || first.ReplyTo != repeat.ReplyTo))
        {
            return ClientIdConflict();
        }

        return new SendResult(first.ConversationId, first.Seq, repeat.ClientId, first.SentAt, Duplicate: true);
    }

    public static RoostError ClientIdConflict() =>
        new(ErrorKind.Conflict, MessagingErrorCodes.ClientIdConflict, "That client id already names another message of yours (a different body or reply); use a fresh client id for each message.");

    public static RoostError ClientIdReused() =>
        new(ErrorKind.Conflict, MessagingErrorCodes.ClientIdReused, "That client id was already used for a message in another conversation.");

    public static RoostError MessageNotFound() =>
        new(ErrorKind.NotFound, ErrorCodes.NotFound, "That message does not exist or is not visible to you.");
}

public static class MessagingErrorCodes
{
    public const string ClientIdReused = "client_id_reused";
    public const string ClientIdConflict = "client_id_conflict";
    public const string NotSender = "not_sender";
    public const string MessageDeleted = "message_deleted";
}
