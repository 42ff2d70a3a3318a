using System.Text.Json;
using Roost.Core.Delivery;
using Roost.Protocol;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;

namespace Roost.Core.Tests.Delivery;

public sealed class EventFramesTests
{
    [Fact]
    public void A_frame_wraps_the_stored_payload_with_its_cursor_and_reads_back_as_the_event()
    {
        var payload = EventFrames.SerializePayload(new ReceiptEvent(3, 4, "read", 5));

        var frame = EventFrames.Frame(1234567890123, payload);
        var parsed = JsonSerializer.Deserialize(frame, RoostJsonContext.Default.ServerFrame)!;

        Assert.StartsWith("""{"type":"event","cursor":1234567890123,"event":{"type":"receipt",""", EventFrames.ToText(frame), StringComparison.Ordinal);
        Assert.Equal((ServerFrameTypes.Event, 1234567890123L), (parsed.Type, parsed.Cursor!.Value));
        Assert.Equal(new ReceiptEvent(3, 4, "read", 5), parsed.Event);
    }

    [Fact]
    public void An_event_type_from_a_newer_server_reads_as_the_base_event_and_can_be_skipped()
    {
        var parsed = JsonSerializer.Deserialize("""{"type":"event","cursor":1,"event":{"type":"future.thing","x":1}}""", RoostJsonContext.Default.ServerFrame)!;

        Assert.Equal(typeof(RoostEvent), parsed.Event!.GetType());
    }
}
