using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Roost.Core.Push;

/// <summary>
/// What a push says. By default only ids and counts (as Signal and Matrix's event_id_only): the push services see no
/// message text, and the app fetches the messages over its own connection. With the account's opt-in, the newest
/// message's sender and the start of its text are added; Web Push encrypts them end to end anyway (RFC 8291).
/// docs/push.md documents every field.
/// </summary>
public static class PushPayloads
{
    /// <summary>Preview text is cut to this many characters (whole text elements), far below every provider's limit.</summary>
    public const int MaxPreviewLength = 200;

    /// <summary>The APNs alert's localization key when there is no preview: the app's Localizable.strings names the text.</summary>
    public const string ApnsLocKey = "ROOST_NEW_MESSAGE";

    /// <summary>One collapse key per conversation: at most one undelivered push per conversation sits on a device.</summary>
    public static string CollapseKey(long conversationId) => "conv-" + conversationId.ToString(CultureInfo.InvariantCulture);

    public static byte[] Build(PushJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            switch (job.Target.Platform)
            {
                case PushPlatform.Apns:
                    WriteApns(writer, job);
                    break;
                case PushPlatform.Fcm:
                    WriteFcmData(writer, job);
                    break;
                default:
                    WriteWebPush(writer, job);
                    break;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The text of a preview, cut to <see cref="MaxPreviewLength"/> without splitting a character.</summary>
    public static string? PreviewText(string? body)
    {
        if (body is null || body.Length <= MaxPreviewLength)
        {
            return body;
        }

        // The longest prefix of whole text elements that leaves room for the ellipsis.
        var cut = 0;
        foreach (var start in StringInfo.ParseCombiningCharacters(body))
        {
            if (start > MaxPreviewLength - 1)
            {
                break;
            }

            cut = start;
        }

        return string.Concat(body.AsSpan(0, cut), "…");
    }

    /// <summary><c>{"aps":{"alert":…,"mutable-content":1,"thread-id":…},"roost":{ids and counts}}</c>; a VoIP push carries only "roost".</summary>
    private static void WriteApns(Utf8JsonWriter writer, PushJob job)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("aps");
        if (!job.Target.Voip)
        {
            writer.WriteStartObject("alert");
            if (job.Preview is { } preview)
            {
                writer.WriteString("title", preview.SenderUsername);
                writer.WriteString("body", PreviewText(preview.Body) ?? "");
            }
            else
            {
                writer.WriteString("loc-key", ApnsLocKey);
            }

            writer.WriteEndObject();
            writer.WriteString("sound", "default");

            // Lets the app's notification service extension fetch and show the message itself.
            writer.WriteNumber("mutable-content", 1);
            writer.WriteString("thread-id", CollapseKey(job.ConversationId));
        }

        writer.WriteEndObject();
        writer.WriteStartObject("roost");
        WriteIds(writer, job);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>FCM <c>data</c>: every value a string (the v1 API refuses anything else).</summary>
    private static void WriteFcmData(Utf8JsonWriter writer, PushJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "message");
        writer.WriteString("conversationId", job.ConversationId.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("seq", job.Seq.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("cursor", job.Cursor.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("unread", job.Unread.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("messages", job.Messages.ToString(CultureInfo.InvariantCulture));
        if (job.Preview is { } preview)
        {
            writer.WriteString("sender", preview.SenderUsername);
            writer.WriteString("body", PreviewText(preview.Body) ?? "");
        }

        writer.WriteEndObject();
    }

    private static void WriteWebPush(Utf8JsonWriter writer, PushJob job)
    {
        writer.WriteStartObject();
        WriteIds(writer, job);
        if (job.Preview is { } preview)
        {
            writer.WriteStartObject("preview");
            writer.WriteString("sender", preview.SenderUsername);
            writer.WriteString("body", PreviewText(preview.Body));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter writer, PushJob job)
    {
        writer.WriteString("type", "message");
        writer.WriteNumber("conversationId", job.ConversationId);
        writer.WriteNumber("seq", job.Seq);
        writer.WriteNumber("cursor", job.Cursor);
        writer.WriteNumber("unread", job.Unread);
        writer.WriteNumber("messages", job.Messages);
    }
}
