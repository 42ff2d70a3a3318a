using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Roost.Protocol;
using Roost.Protocol.Realtime;

namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    /// <summary>Rented when a message arrives; grows (pooled) only for a large frame.</summary>
    private const int InitialReceiveBuffer = 4096;

    /// <summary>Client frames are strict: a member the protocol does not define is an error, not silently ignored.</summary>
    private static readonly RoostJsonContext StrictJson = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    });

    private int _invalidFrames;

    /// <summary>
    /// Reads frames until the peer closes. Between messages it waits with a zero-byte read, so an idle connection holds
    /// no receive buffer: one is rented only when data arrives, and returned after each message. Once the server has
    /// decided to close, it keeps reading and discarding until the peer answers the close frame (or the abort timer
    /// fires): closing a socket with unread data would reset it and lose the close code.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        byte[]? buffer = null;
        var length = 0;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    var probe = await _socket.ReceiveAsync(Memory<byte>.Empty, _abort.Token);
                    if (probe.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (probe.EndOfMessage)
                    {
                        // The whole message fit in zero bytes: an empty frame, which is no JSON object.
                        if (Volatile.Read(ref _closeRequested) == 0)
                        {
                            Invalid(null, probe.MessageType == WebSocketMessageType.Binary ? GatewayErrorCodes.BinaryNotSupported : GatewayErrorCodes.MalformedFrame, "The frame is empty; frames are JSON objects.");
                        }

                        continue;
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                }
                else if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    length = 0;
                    continue;
                }

                length += result.Count;
                if (length > _options.MaxFrameBytes)
                {
                    RequestClose(CloseCodes.FrameTooLarge, $"frames are limited to {_options.MaxFrameBytes} bytes");
                    length = 0;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                PendingOperation? operation = null;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Invalid(null, GatewayErrorCodes.BinaryNotSupported, "Frames are JSON text.");
                }
                else
                {
                    operation = Dispatch(buffer.AsSpan(0, length));
                }

                // The frame is parsed: give the buffer back before waiting for anything.
                length = 0;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
                try
                {
                    if (operation is { Run: null })
                    {
                        await PingBarrierAsync(operation.Frame.Ref);
                    }
                    else if (operation is not null)
                    {
                        // At most MaxInFlightSends operations run at once; beyond that, reading from this client waits.
                        await _inFlight.WaitAsync(_closing.Token);
                        Interlocked.Increment(ref _running);
                        _ = RunOperationAsync(operation.Frame, operation.Run);
                    }
                }
                catch (OperationCanceledException) when (_closing.IsCancellationRequested && !_abort.IsCancellationRequested)
                {
                    // Closing while this frame waited: drop it and go on reading (and discarding) until the peer
                    // answers our close frame, so the close code is not lost to a reset.
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The peer vanished, or it did not finish the close handshake in time.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private byte[] Grow(byte[] buffer, int length)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameBytes + 1));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>Parses a frame and handles it, or returns the operation to start for it.</summary>
    private PendingOperation? Dispatch(ReadOnlySpan<byte> json)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return null;
        }

        ClientFrame? frame;
        try
        {
            frame = JsonSerializer.Deserialize(json, StrictJson.ClientFrame);
        }
        catch (JsonException exception)
        {
            Invalid(null, GatewayErrorCodes.MalformedFrame, $"The frame is not a valid JSON object of the protocol (at {exception.Path ?? "$"}).");
            return null;
        }

        if (frame is null)
        {
            Invalid(null, GatewayErrorCodes.MalformedFrame, "The frame is not a JSON object.");
            return null;
        }

        switch (frame.Type)
        {
            case ClientFrameTypes.Send:
                return new PendingOperation(frame, SendAsync);
            case ClientFrameTypes.Edit:
                return new PendingOperation(frame, EditAsync);
            case ClientFrameTypes.Delete:
                return new PendingOperation(frame, DeleteAsync);
            case ClientFrameTypes.React:
                return new PendingOperation(frame, ReactAsync);
            case ClientFrameTypes.Delivered:
            case ClientFrameTypes.Read:
                return new PendingOperation(frame, MarkAsync);
            case ClientFrameTypes.Typing:
                return new PendingOperation(frame, TypingAsync);
            case ClientFrameTypes.PresenceSubscribe:
                return new PendingOperation(frame, SubscribePresenceAsync);
            case ClientFrameTypes.Sync:
                if (frame.Cursor is < 0)
                {
                    Invalid(frame.Ref, GatewayErrorCodes.MalformedFrame, "cursor is 0 or more; omit it to start from the head.");
                    break;
                }

                RequestSync(frame.Cursor, frame.Ref);
                break;
            case ClientFrameTypes.Ping:
                return new PendingOperation(frame, null);
            case null:
                Invalid(frame.Ref, GatewayErrorCodes.MissingField, "Every frame has a type.");
                break;
            default:
                Invalid(frame.Ref, GatewayErrorCodes.UnknownType, $"Unknown frame type '{Truncate(frame.Type)}'.");
                break;
        }

        return null;
    }

    /// <summary>Answers an invalid frame with an error; a connection that keeps sending them is closed.</summary>
    private void Invalid(string? reference, string code, string message)
    {
        Enqueue(GatewayFrames.Error(reference, code, message));
        if (Interlocked.Increment(ref _invalidFrames) >= _options.MaxInvalidFrames)
        {
            RequestClose(CloseCodes.PolicyViolation, "too many invalid frames");
        }
    }

    /// <summary>An operation to start; a null <see cref="Run"/> is the ping barrier.</summary>
    private sealed record PendingOperation(ClientFrame Frame, Func<ClientFrame, Task<byte[]>>? Run);

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
