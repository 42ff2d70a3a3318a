using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Roost.Core.Delivery;

namespace Roost.Bus.RabbitMq;

/// <summary>Who sent a message and when: a sender (one bus's run), its sequence number, and its clock in unix ms.</summary>
public readonly record struct BusEnvelope(long Sender, long Sequence, long SentAtMs);

/// <summary>
/// A bus message as an AMQP body: version (1 byte), kind (1), then sender, sequence, sent-at, account, cursor, previous
/// cursor, device and excepted device (8 bytes each, big-endian), then the frame's bytes, then an HMAC-SHA256 of all
/// that under the cluster's bus key, cut to 16 bytes. Whoever can publish to the broker without the key (a leaked
/// broker password) cannot put a frame in front of a user or close their sockets: a message whose tag does not check
/// is dropped, and the signed sender, sequence and time let the receiver drop a replayed one (<see cref="ReplayGuard"/>).
/// Routing keys name the topic: <c>a.{account}</c> for an account's connections, <c>p.{account}</c> for its presence
/// watchers, <c>all</c> for every node.
/// </summary>
public static class BusMessageCodec
{
    public const byte Version = 2;
    public const int HeaderLength = 2 + (8 * sizeof(long));
    public const int TagLength = 16;

    /// <summary>Every node's queue is bound to it: a catch-up for every account.</summary>
    public const string EveryNodeKey = "all";

    public static byte[] Encode(BusMessage message, BusEnvelope envelope, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = new byte[HeaderLength + message.Frame.Length + TagLength];
        var span = body.AsSpan();
        span[0] = Version;
        span[1] = (byte)message.Kind;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], envelope.Sender);
        BinaryPrimitives.WriteInt64BigEndian(span[10..], envelope.Sequence);
        BinaryPrimitives.WriteInt64BigEndian(span[18..], envelope.SentAtMs);
        BinaryPrimitives.WriteInt64BigEndian(span[26..], message.AccountId);
        BinaryPrimitives.WriteInt64BigEndian(span[34..], message.Cursor);
        BinaryPrimitives.WriteInt64BigEndian(span[42..], message.PreviousCursor);
        BinaryPrimitives.WriteInt64BigEndian(span[50..], message.DeviceId);
        BinaryPrimitives.WriteInt64BigEndian(span[58..], message.ExceptDeviceId);
        message.Frame.Span.CopyTo(span[HeaderLength..]);
        Sign(key, span[..^TagLength], span[^TagLength..]);
        return body;
    }

    /// <summary>
    /// The message in <paramref name="body"/> (its frame copied: the client reuses the buffer) and its envelope, or null
    /// when it is not one this build reads or its tag does not check under <paramref name="key"/>.
    /// </summary>
    public static (BusMessage Message, BusEnvelope Envelope)? Decode(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        if (body.Length < HeaderLength + TagLength || body[0] != Version || !Enum.IsDefined((BusMessageKind)body[1]))
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[TagLength];
        Sign(key, body[..^TagLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, body[^TagLength..]))
        {
            return null;
        }

        var frame = body[HeaderLength..^TagLength];
        var envelope = new BusEnvelope(
            BinaryPrimitives.ReadInt64BigEndian(body[2..]),
            BinaryPrimitives.ReadInt64BigEndian(body[10..]),
            BinaryPrimitives.ReadInt64BigEndian(body[18..]));
        var message = new BusMessage(
            (BusMessageKind)body[1],
            BinaryPrimitives.ReadInt64BigEndian(body[26..]),
            frame.IsEmpty ? ReadOnlyMemory<byte>.Empty : frame.ToArray(),
            BinaryPrimitives.ReadInt64BigEndian(body[34..]),
            BinaryPrimitives.ReadInt64BigEndian(body[42..]),
            BinaryPrimitives.ReadInt64BigEndian(body[50..]),
            BinaryPrimitives.ReadInt64BigEndian(body[58..]));
        return (message, envelope);
    }

    public static string RoutingKey(BusTopic topic) => topic.Kind switch
    {
        BusTopicKind.Connections => "a." + topic.AccountId.ToString(CultureInfo.InvariantCulture),
        BusTopicKind.Presence => "p." + topic.AccountId.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(topic), topic.Kind, "Unknown topic kind."),
    };

    /// <summary>Where a message goes: its topic's key, or every node for a catch-up of every account.</summary>
    public static string RoutingKey(BusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind == BusMessageKind.CatchUp && message.AccountId == 0 ? EveryNodeKey : RoutingKey(message.Topic);
    }

    private static void Sign(ReadOnlySpan<byte> key, ReadOnlySpan<byte> signed, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, signed, mac);
        mac[..TagLength].CopyTo(tag);
    }
}
