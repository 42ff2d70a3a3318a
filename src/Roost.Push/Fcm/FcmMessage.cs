using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Roost.Core.Push;

namespace Roost.Push.Fcm;

/// <summary>The HTTP v1 <c>messages:send</c> body for one delivery: a data-only message with the per-platform options.</summary>
internal static class FcmMessage
{
    /// <summary>FCM's limit for a message to one token: the data keys and values together.</summary>
    public const int MaxDataBytes = 4096;

    // FCM keeps a message at most 28 days.
    private const long MaxTtlSeconds = 28L * 24 * 60 * 60;

    /// <summary>
    /// The body, or why FCM would refuse it: the payload must be a JSON object of string values (FCM's <c>data</c>),
    /// within <see cref="MaxDataBytes"/>.
    /// </summary>
    public static bool TryCreate(PushDelivery delivery, [NotNullWhen(true)] out byte[]? body, [NotNullWhen(false)] out string? refusal)
    {
        body = null;
        refusal = CheckData(delivery.Payload);
        if (refusal is not null)
        {
            return false;
        }

        var ttl = Math.Clamp((long)delivery.TimeToLive.TotalSeconds, 0, MaxTtlSeconds).ToString();
        var collapse = delivery.CollapseKey.Length > 0 ? delivery.CollapseKey : null;
        var buffer = new ArrayBufferWriter<byte>(delivery.Payload.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("message");
            writer.WriteString("token", delivery.Target.Token);
            writer.WritePropertyName("data");
            writer.WriteRawValue(delivery.Payload.Span, skipInputValidation: true);

            writer.WriteStartObject("android");
            writer.WriteString("priority", delivery.Urgency == PushUrgency.High ? "HIGH" : "NORMAL");
            writer.WriteString("ttl", ttl + "s");
            WriteIfSet(writer, "collapse_key", collapse);
            writer.WriteEndObject();

            if (collapse is not null)
            {
                writer.WriteStartObject("apns");
                writer.WriteStartObject("headers");
                writer.WriteString("apns-collapse-id", collapse);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteStartObject("webpush");
            writer.WriteStartObject("headers");
            writer.WriteString("TTL", ttl);
            WriteIfSet(writer, "Topic", collapse);
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        body = buffer.WrittenSpan.ToArray();
        return true;
    }

    private static string? CheckData(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "PayloadNotAnObject";
            }

            var bytes = 0;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return "PayloadValueNotAString";
                }

                bytes += Encoding.UTF8.GetByteCount(property.Name) + Encoding.UTF8.GetByteCount(property.Value.GetString()!);
            }

            return bytes > MaxDataBytes ? "PayloadTooLarge" : null;
        }
        catch (JsonException)
        {
            return "PayloadNotJson";
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
