using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Roost.Protocol;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Client.Realtime;

/// <summary>
/// One WebSocket connection to a Roost server. Requests that expect an answer (send, edit, sync, …) are matched to it
/// by <c>ref</c>; everything else the server sends (events, typing, presence) is readable from <see cref="Frames"/>.
/// <see cref="Cursor"/> follows the last event read, so a reconnect can sync from it. For automatic reconnection and
/// resending, use <see cref="RoostLiveClient"/>.
/// </summary>
public sealed class RoostConnection : IFrameRequester, IAsyncDisposable
{
    private const int MaxIncomingFrame = 16 * 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly Channel<ServerFrame> _frames;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerFrame>> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<ServerFrame> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private long _nextRef;
    private long _cursor;
    private int _disposed;

    private RoostConnection(ClientWebSocket socket, int frameBuffer)
    {
        _socket = socket;
        _frames = Channel.CreateBounded<ServerFrame>(new BoundedChannelOptions(frameBuffer)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Frames that answer no request: <c>event</c>, <c>typing</c>, <c>presence</c>, and uncorrelated errors; plus, in
    /// order, the answers <c>synced</c>, <c>resync_required</c> and <c>presence.subscribed</c>. Completes when the connection closes.
    /// </summary>
    public ChannelReader<ServerFrame> Frames => _frames.Reader;

    /// <summary>The cursor of the last <c>event</c> frame taken from <see cref="Frames"/> or passed by a sync.</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    public long AccountId { get; private set; }

    public long DeviceId { get; private set; }

    /// <summary>The newest cursor on the server when this connection opened.</summary>
    public long HeadCursor { get; private set; }

    /// <summary>How the server closed the connection, once it has.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Completes when the connection has closed, for whatever reason.</summary>
    public Task Completion => _receiving;

    /// <summary>Raised once when the connection closes, before <see cref="Completion"/> completes.</summary>
    public event Action<RoostConnection>? Closed;

    /// <summary>
    /// Connects with a bearer token. With <paramref name="syncFrom"/>, the server starts syncing from that cursor at once.
    /// <paramref name="frameBuffer"/> bounds the frames held for the reader: a reader that stops reading stops
    /// the connection's reading too, and the server eventually closes it (4008) — nothing grows without bound.
    /// </summary>
    public static async Task<RoostConnection> ConnectAsync(
        Uri baseAddress, string token, long? syncFrom = null, int frameBuffer = 4096,
        Action<ClientWebSocketOptions>? configure = null, HttpMessageInvoker? invoker = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        configure?.Invoke(socket.Options);
        var builder = new UriBuilder(new Uri(baseAddress, "v1/ws"))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = syncFrom is { } cursor ? "cursor=" + cursor.ToString(CultureInfo.InvariantCulture) : "",
        };
        var connection = new RoostConnection(socket, frameBuffer);
        try
        {
            if (invoker is null)
            {
                await socket.ConnectAsync(builder.Uri, cancellationToken);
            }
            else
            {
                await socket.ConnectAsync(builder.Uri, invoker, cancellationToken);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        connection._receiving = connection.ReceiveLoopAsync();
        var hello = await connection._hello.Task.WaitAsync(cancellationToken);
        connection.AccountId = hello.AccountId ?? 0;
        connection.DeviceId = hello.DeviceId ?? 0;
        connection.HeadCursor = hello.HeadCursor ?? 0;
        if (syncFrom is { } from)
        {
            Interlocked.Exchange(ref connection._cursor, from);
        }

        return connection;
    }

    /// <summary>Sends a message and waits for its acknowledgement, which comes only after the server committed it.</summary>
    public async Task<ServerFrame> SendMessageAsync(long conversationId, string body, string? clientId = null, long? replyTo = null, CancellationToken cancellationToken = default)
    {
        return await RequestAsync(ClientFrames.Send(conversationId, body, clientId ?? Guid.NewGuid().ToString("N"), replyTo), cancellationToken);
    }

    /// <summary>Asks for every event after <paramref name="cursor"/> (null: from now on); completes at <c>synced</c> or <c>resync_required</c>.</summary>
    public Task<ServerFrame> SyncAsync(long? cursor, CancellationToken cancellationToken = default) =>
        RequestAsync(ClientFrames.Sync(cursor), cancellationToken);

    public Task<ServerFrame> PingAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(ClientFrames.Ping(), cancellationToken);

    /// <summary>
    /// Follows the presence of these accounts (at most 100; an empty list stops following), replacing what this
    /// connection followed before, and returns their presence now. Changes then arrive as <c>presence</c> frames on
    /// <see cref="Frames"/>, after the answer, which is also put there. The subscription ends with the connection.
    /// </summary>
    public async Task<IReadOnlyList<PresenceResponse>> SubscribePresenceAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken = default) =>
        (await RequestAsync(ClientFrames.SubscribePresence(accountIds), cancellationToken)).Presence ?? [];

    /// <summary>Sends a frame and returns its answer (matched by ref). An <c>error</c> answer throws <see cref="RoostRealtimeException"/>.</summary>
    public async Task<ServerFrame> RequestAsync(ClientFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var reference = frame.Ref ?? Interlocked.Increment(ref _nextRef).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reference] = answer;
        try
        {
            await SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(frame with { Ref = reference }, RoostJsonContext.Default.ClientFrame), cancellationToken);
            var result = await answer.Task.WaitAsync(cancellationToken);
            return result.Type == ServerFrameTypes.Error ? throw new RoostRealtimeException(
                    result.Code ?? "", result.Message ?? "", result.RetryAfterMs is { } wait ? TimeSpan.FromMilliseconds(wait) : null)
                : result;
        }
        finally
        {
            _pending.TryRemove(reference, out _);
        }
    }

    /// <summary>Sends raw bytes as one text frame: for tests of what a well-behaved client would never send.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads the next frame from <see cref="Frames"/>, advancing <see cref="Cursor"/> past events. Null when the connection has closed.</summary>
    public async Task<ServerFrame?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (await _frames.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_frames.Reader.TryRead(out var frame))
            {
                if (frame.Type is ServerFrameTypes.Event or ServerFrameTypes.Synced && frame.Cursor is { } cursor)
                {
                    Interlocked.Exchange(ref _cursor, cursor);
                }

                return frame;
            }
        }

        return null;
    }

    /// <summary>Closes the connection politely (1000) and waits, bounded, for the server's close.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }
    }

    /// <summary>Drops the connection without a close handshake, as a lost network would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await CloseAsync(timeout.Token);
        }

        await _stopping.CancelAsync();
        _socket.Abort();
        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _socket.Dispose();
        _stopping.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxIncomingFrame));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync();
                    break;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = JsonSerializer.Deserialize(buffer.AsSpan(0, length), RoostJsonContext.Default.ServerFrame);
                length = 0;
                if (frame is not null)
                {
                    await RouteAsync(frame);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or JsonException or ObjectDisposedException)
        {
            // Closed, aborted, or the server sent something this client cannot read.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Closed?.Invoke(this);
            _frames.Writer.TryComplete();
            _hello.TrySetException(new WebSocketException("The connection closed before the server said hello: " + _socket.CloseStatus + " " + _socket.CloseStatusDescription));
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new WebSocketException("The connection closed before the answer came."));
            }
        }
    }

    /// <summary>Completes the close handshake the server started, so it need not wait for its timeout.</summary>
    private async Task AnswerCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _sendLock.WaitAsync(timeout.Token);
        try
        {
            await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task RouteAsync(ServerFrame frame)
    {
        if (frame.Type == ServerFrameTypes.Hello)
        {
            _hello.TrySetResult(frame);
            return;
        }

        if (frame.Ref is { } reference && _pending.TryGetValue(reference, out var waiting))
        {
            if (frame.Type is ServerFrameTypes.Synced or ServerFrameTypes.ResyncRequired && frame.Cursor is { } synced)
            {
                // Events before this frame were queued ahead of it; once they are read the cursor is here.
                Buffer(new ServerFrame { Type = frame.Type, Ref = frame.Ref, Cursor = synced });
            }

            if (frame.Type == ServerFrameTypes.PresenceSubscribed)
            {
                // The starting state of the subscription, in order with the presence frames before and after it.
                Buffer(frame);
            }

            waiting.TrySetResult(frame);
            return;
        }

        Buffer(frame);
        await Task.CompletedTask;
    }

    /// <summary>
    /// Hands a frame to the reader. A reader that has fallen a whole buffer behind is treated like the server treats a
    /// slow client: the connection is dropped (pending requests fail) and the reader resyncs from its cursor. Waiting
    /// instead would also stall the answers the reader may be waiting for.
    /// </summary>
    private void Buffer(ServerFrame frame)
    {
        if (!_frames.Writer.TryWrite(frame))
        {
            _socket.Abort();
        }
    }
}
