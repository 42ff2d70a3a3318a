using Roost.Bus.RabbitMq;
using Roost.Core.Delivery;

namespace Roost.Delivery.Specification.Tests;

public sealed class BusMessageCodecTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly BusEnvelope Envelope = new(Sender: 77, Sequence: 5, SentAtMs: 1_790_000_000_000);

    [Fact]
    public void A_message_survives_the_round_trip_with_every_field_and_its_envelope()
    {
        var message = new BusMessage(BusMessageKind.Event, 42, "{\"e\":1}"u8.ToArray(), Cursor: 9_000_000_000, PreviousCursor: 8, DeviceId: 3, ExceptDeviceId: 4);

        var (decoded, envelope) = BusMessageCodec.Decode(BusMessageCodec.Encode(message, Envelope, Key), Key)!.Value;

        Assert.Equal((message.Kind, message.AccountId, message.Cursor, message.PreviousCursor, message.DeviceId, message.ExceptDeviceId),
            (decoded.Kind, decoded.AccountId, decoded.Cursor, decoded.PreviousCursor, decoded.DeviceId, decoded.ExceptDeviceId));
        Assert.Equal(message.Frame.ToArray(), decoded.Frame.ToArray());
        Assert.Equal(Envelope, envelope);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 1 })]
    public void A_body_too_short_is_not_a_message(byte[] body) => Assert.Null(BusMessageCodec.Decode(body, Key));

    [Fact]
    public void Another_version_or_an_unknown_kind_is_not_a_message()
    {
        var body = BusMessageCodec.Encode(new BusMessage(BusMessageKind.Ephemeral, 1), Envelope, Key);
        body[0] = 1;
        Assert.Null(BusMessageCodec.Decode(body, Key));

        body[0] = BusMessageCodec.Version;
        body[1] = 99;
        Assert.Null(BusMessageCodec.Decode(body, Key));
    }

    [Fact]
    public void A_message_signed_with_another_key_or_changed_on_the_way_is_not_a_message()
    {
        var message = new BusMessage(BusMessageKind.Disconnect, 7, DeviceId: 3);
        var otherKey = Key.Reverse().ToArray();

        Assert.Null(BusMessageCodec.Decode(BusMessageCodec.Encode(message, Envelope, otherKey), Key));
        var changed = BusMessageCodec.Encode(message, Envelope, Key);
        changed[27] ^= 1;
        Assert.Null(BusMessageCodec.Decode(changed, Key));
        var resequenced = BusMessageCodec.Encode(message, Envelope, Key);
        resequenced[17] ^= 1;
        Assert.Null(BusMessageCodec.Decode(resequenced, Key));
        var unsigned = BusMessageCodec.Encode(message, Envelope, Key)[..^BusMessageCodec.TagLength];
        Assert.Null(BusMessageCodec.Decode(unsigned, Key));
    }

    [Fact]
    public void Routing_keys_name_the_topic_and_a_catch_up_of_every_account_goes_to_every_node()
    {
        Assert.Equal("a.7", BusMessageCodec.RoutingKey(new BusMessage(BusMessageKind.Disconnect, 7)));
        Assert.Equal("p.7", BusMessageCodec.RoutingKey(new BusMessage(BusMessageKind.PresenceChanged, 7)));
        Assert.Equal("a.7", BusMessageCodec.RoutingKey(new BusMessage(BusMessageKind.CatchUp, 7)));
        Assert.Equal("all", BusMessageCodec.RoutingKey(new BusMessage(BusMessageKind.CatchUp, 0)));
    }

    [Fact]
    public void A_replayed_message_is_refused_a_stale_one_is_told_apart_and_each_sender_counts_on_its_own()
    {
        var guard = new ReplayGuard();
        var now = Envelope.SentAtMs;

        Assert.Equal(ReplayVerdict.Accepted, guard.Check(Envelope, now));
        Assert.Equal(ReplayVerdict.Replayed, guard.Check(Envelope, now + 10));
        Assert.Equal(ReplayVerdict.Replayed, guard.Check(Envelope with { Sequence = 4 }, now + 10));
        Assert.Equal(ReplayVerdict.Accepted, guard.Check(Envelope with { Sequence = 9 }, now + 10));
        Assert.Equal(ReplayVerdict.Accepted, guard.Check(Envelope with { Sender = 78, Sequence = 1 }, now + 10));

        // Signed long ago (or by a clock far ahead): not applied, and the receiver reads its topic from the store instead.
        var window = (long)ReplayGuard.Window.TotalMilliseconds;
        Assert.Equal(ReplayVerdict.OutOfWindow, guard.Check(Envelope with { Sequence = 10, SentAtMs = now - window - 1 }, now));
        Assert.Equal(ReplayVerdict.OutOfWindow, guard.Check(Envelope with { Sequence = 11, SentAtMs = now + window + 1 }, now));
        Assert.Equal(ReplayVerdict.Accepted, guard.Check(Envelope with { Sequence = 10 }, now));
    }
}
