using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Roost.Core.Delivery;
using Roost.Protocol;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Benchmarks;

/// <summary>The per-frame work of the gateway: parse a send (strictly, as the gateway does), serialize its ack, build an event frame.</summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private static readonly byte[] SendFrame = Encoding.UTF8.GetBytes(
        """{"type":"send","ref":"r1","conversationId":12345,"clientId":"b1234567","body":"0123456789012345678901234567890123456789012345678901234567890123"}""");

    private static readonly MessageCreatedEvent Created = new(new MessageResponse(
        12345, 67, 42, "b1234567", "0123456789012345678901234567890123456789012345678901234567890123", null, DateTimeOffset.UnixEpoch, null, null, []), "direct");

    private static readonly byte[] Payload = EventFrames.SerializePayload(Created);

    [Benchmark]
    public ClientFrame? ParseSend() => JsonSerializer.Deserialize(SendFrame, GatewayJson.Strict.ClientFrame);

    [Benchmark]
    public byte[] SerializeAck() => JsonSerializer.SerializeToUtf8Bytes(
        new AckFrame(ServerFrameTypes.Ack, "r1", "b1234567", 12345, 67, DateTimeOffset.UnixEpoch, false), RoostJsonContext.Default.AckFrame);

    [Benchmark]
    public byte[] SerializeEventPayload() => EventFrames.SerializePayload(Created);

    [Benchmark]
    public byte[] WrapEventFrame() => EventFrames.Frame(1_234_567, Payload);
}
