using System.Globalization;
using Roost.Protocol.Events;
using Roost.Protocol.Rest;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary>
/// What <c>roost chat</c> prints for the open conversation, as markup lines, in order: a message line before its
/// "✓ sent" (the ack and the message's own event may come in either order, and the message prints once), and a
/// receipt only when another member's mark newly covers one of your messages. Not thread-safe: the caller serialises.
/// </summary>
internal sealed class ChatTranscript(long me, TimeZoneInfo? zone = null)
{
    /// <summary>Seqs remembered per conversation (printed ones, your own); the oldest are forgotten beyond this.</summary>
    public const int MaxRemembered = 10_000;

    private readonly TimeZoneInfo _zone = zone ?? TimeZoneInfo.Local;
    private readonly Dictionary<long, string> _names = [];
    private readonly SortedSet<long> _printed = [];
    private readonly SortedSet<long> _mine = [];
    private readonly Dictionary<(long Reader, string Kind), long> _reported = [];

    public long? ConversationId { get; private set; }

    /// <summary>Starts (or restarts, for /history) showing <paramref name="conversation"/>: its messages print afresh.</summary>
    public void Open(ConversationResponse conversation)
    {
        Remember(conversation);
        _printed.Clear();
        if (ConversationId != conversation.Id)
        {
            ConversationId = conversation.Id;
            _mine.Clear();
            _reported.Clear();
        }
    }

    public void Remember(ConversationResponse conversation)
    {
        foreach (var member in conversation.Members)
        {
            _names[member.AccountId] = member.Username;
        }
    }

    /// <summary>The line for a message of the open conversation, or nothing if it is not open or already printed.</summary>
    public IReadOnlyList<string> OnMessage(MessageResponse message)
    {
        if (message.ConversationId != ConversationId || !Add(_printed, message.Seq))
        {
            return [];
        }

        if (message.SenderId == me)
        {
            Add(_mine, message.Seq);
        }

        return [MessageLine(message.Seq, message.SenderId, message.Body, message.SentAt, message.EditedAt is not null)];
    }

    /// <summary>Your send was stored: its line first unless its event already printed it, then the ack.</summary>
    public IReadOnlyList<string> OnAck(long conversationId, long seq, string body, DateTimeOffset sentAt)
    {
        if (conversationId != ConversationId)
        {
            return [];
        }

        var sent = Markup.Escape($"  ✓ sent #{seq.ToString(CultureInfo.InvariantCulture)}");
        Add(_mine, seq);
        return Add(_printed, seq)
            ? [MessageLine(seq, me, body, sentAt, edited: false), $"[grey]{sent}[/]"]
            : [$"[grey]{sent}[/]"];
    }

    /// <summary>
    /// "read by bob up to #6" for another member's receipt that covers one of your messages not yet reported for them;
    /// your own receipts (from your other devices) and marks on others' messages print nothing.
    /// </summary>
    public string? OnReceipt(ReceiptEvent receipt)
    {
        if (receipt.ConversationId != ConversationId || receipt.AccountId == me)
        {
            return null;
        }

        var covered = _mine.GetViewBetween(long.MinValue, receipt.Seq);
        if (covered.Count == 0)
        {
            return null;
        }

        var newest = covered.Max;
        var read = receipt.Kind == "read";
        var already = Math.Max(
            _reported.GetValueOrDefault((receipt.AccountId, "read")),
            read ? 0 : _reported.GetValueOrDefault((receipt.AccountId, "delivered")));
        if (newest <= already)
        {
            return null; // Nothing of yours newly covered (a delivered mark after a read one adds nothing).
        }

        _reported[(receipt.AccountId, read ? "read" : "delivered")] = newest;
        var text = $"  {(read ? "✓✓ read" : "✓ delivered")} by {Safe(Who(receipt.AccountId))} up to #{receipt.Seq.ToString(CultureInfo.InvariantCulture)}";
        return $"[grey]{Markup.Escape(text)}[/]";
    }

    public string Who(long accountId) =>
        accountId == me ? "you" : _names.GetValueOrDefault(accountId, "#" + accountId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Other people's text never drives the terminal: control characters (escape sequences) become '?'.</summary>
    public static string Safe(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) && source[i] != '\n' ? '?' : source[i];
            }
        });

    private string MessageLine(long seq, long senderId, string? body, DateTimeOffset sentAt, bool edited)
    {
        var time = TimeZoneInfo.ConvertTime(sentAt, _zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        var head = Markup.Escape($"{time} #{seq.ToString(CultureInfo.InvariantCulture)}");
        return $"[grey]{head}[/] [bold]{Markup.Escape(Safe(Who(senderId)))}[/]: {Markup.Escape(Safe(body ?? "(deleted)"))}{(edited ? " (edited)" : "")}";
    }

    private static bool Add(SortedSet<long> seqs, long seq)
    {
        if (!seqs.Add(seq))
        {
            return false;
        }

        if (seqs.Count > MaxRemembered)
        {
            seqs.Remove(seqs.Min);
        }

        return true;
    }
}
