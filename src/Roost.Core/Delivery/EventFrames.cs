using System.Globalization;
using System.Text;
using System.Text.Json;
using Roost.Protocol;
using Roost.Protocol.Events;

namespace Roost.Core.Delivery;

/// <summary>The stored and sent forms of an event: the payload is JSON, the frame wraps it with its cursor.</summary>
public static class EventFrames
{
    private static readonly byte[] FramePrefix = """{"type":"event","cursor":"""u8.ToArray();
    private static readonly byte[] EventMember = ""","event":"""u8.ToArray();

    public static byte[] SerializePayload(RoostEvent @event) =>
        JsonSerializer.SerializeToUtf8Bytes(@event, RoostJsonContext.Default.RoostEvent);

    public static byte[] Frame(long cursor, ReadOnlySpan<byte> payload)
    {
        Span<byte> digits = stackalloc byte[20];
        cursor.TryFormat(digits, out var digitCount, default, CultureInfo.InvariantCulture);
        var frame = new byte[FramePrefix.Length + digitCount + EventMember.Length + payload.Length + 1];
        var span = frame.AsSpan();
        FramePrefix.CopyTo(span);
        span = span[FramePrefix.Length..];
        digits[..digitCount].CopyTo(span);
        span = span[digitCount..];
        EventMember.CopyTo(span);
        span = span[EventMember.Length..];
        payload.CopyTo(span);
        span[payload.Length] = (byte)'}';
        return frame;
    }

    /// <summary>For logs and tests.</summary>
    public static string ToText(ReadOnlyMemory<byte> frame) => Encoding.UTF8.GetString(frame.Span);
}
