using System.Net.WebSockets;
using System.Threading.Channels;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Client.Realtime;

/// <summary>
/// A real-time session that survives dropped connections: it reconnects with backoff, syncs from the last cursor
/// it handed out, and resends unacknowledged messages with their original client ids, so the server stores each
/// once. <see cref="Frames"/> yields every event exactly once, in cursor order, plus typing and presence.
/// Stops for good when the server says the session is over (4001, 4003).
/// </summary>
public sealed class RoostLiveClient : IFrameRequester, IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Uri _baseAddress;
    private readonly string _token;
    private readonly Channel<ServerFrame> _frames;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();

    /// <summary>One presence subscribe at a time, so the set sent last on a connection is the newest.</summary>
    private readonly SemaphoreSlim _presenceGate = new(1, 1);
    private IReadOnlyList<long> _presenceIds = [];
    private TaskCompletionSource<RoostConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoostConnection? _connection;
    private Task _running = Task.CompletedTask;
    private long _cursor;
    private int _disposed;

    /// <param name="cursor">Where this device left off; null starts from the server's current head.</param>
    public RoostLiveClient(Uri baseAddress, string token, long? cursor = null, int frameBuffer = 4096)
    {
        _baseAddress = baseAddress;
        _token = token;
        _cursor = cursor ?? -1;
        _frames = Channel.CreateBounded<ServerFrame>(new BoundedChannelOptions(frameBuffer) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Events (each cursor once, in order), typing, presence and resync_required frames. Completes when the client stops.</summary>
    public ChannelReader<ServerFrame> Frames => _frames.Reader;

    /// <summary>
    /// The cursor of the last event written to <see cref="Frames"/>. To resume after a crash without losing events,
    /// persist the cursor of the last frame your code finished processing (each event frame carries it), not this.
    /// </summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>How many times the connection was re-established.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Set when the server ended the session (4001 unauthorized, 4003 revoked): the client stopped for good.</summary>
    public WebSocketCloseStatus? EndedWith { get; private set; }

    /// <summary>Connects and starts following the event stream. Completes once the first connection is open.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _running = RunAsync();
        await WaitForConnectionAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a message and returns its ack. If the connection drops first, the same client id is sent again on the next
    /// connection: the server answers a repeat with the first ack, so the message exists once.
    /// </summary>
    public async Task<ServerFrame> SendAsync(long conversationId, string body, long? replyTo = null, string? clientId = null, CancellationToken cancellationToken = default)
    {
        clientId ??= Guid.NewGuid().ToString("N");
        while (true)
        {
            var connection = await WaitForConnectionAsync(cancellationToken);
            try
            {
                return await connection.SendMessageAsync(conversationId, body, clientId, replyTo, cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException && !_stopping.IsCancellationRequested && EndedWith is null)
            {
                // Lost before the ack: resend the same client id on the next connection.
                await connection.Completion.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Runs a request on the current connection, waiting for one if the client is reconnecting.</summary>
    public async Task<ServerFrame> RequestAsync(ClientFrame frame, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var connection = await WaitForConnectionAsync(cancellationToken);
            try
            {
                return await connection.RequestAsync(frame, cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException && !_stopping.IsCancellationRequested && EndedWith is null)
            {
                await connection.Completion.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Follows the presence of these accounts (at most 100; an empty list stops following), replacing the previous
    /// set, on this connection and on every later one: a subscription ends with its connection, so the client
    /// subscribes again after each reconnect. Returns their presence now. That state, the state after each reconnect,
    /// and every change come through <see cref="Frames"/> as <c>presence</c> frames, in order. A refused subscribe
    /// (more than 100 accounts) throws <see cref="RoostRealtimeException"/> and keeps the previous set.
    /// </summary>
    public async Task<IReadOnlyList<PresenceResponse>> SubscribePresenceAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        IReadOnlyList<long> ids = [.. accountIds];
        await _presenceGate.WaitAsync(cancellationToken);
        try
        {
            var answer = await RequestAsync(ClientFrames.SubscribePresence(ids), cancellationToken);
            _presenceIds = ids;
            return answer.Presence ?? [];
        }
        finally
        {
            _presenceGate.Release();
        }
    }

    /// <summary>Every frame of <see cref="Frames"/> as an async stream, until the client stops.</summary>
    public IAsyncEnumerable<ServerFrame> ReadAllAsync(CancellationToken cancellationToken = default) => _frames.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Drops the current connection as a network failure would; the client reconnects on its own.</summary>
    public void DropConnection() => _connection?.Abort();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
        _presenceGate.Dispose();
    }

    private async Task<RoostConnection> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        Task<RoostConnection> waiting;
        lock (_gate)
        {
            waiting = _connected.Task;
        }

        return await waiting.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(50);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                RoostConnection connection;
                try
                {
                    var cursor = Cursor;
                    connection = await RoostConnection.ConnectAsync(_baseAddress, _token, cursor < 0 ? null : cursor, cancellationToken: _stopping.Token);
                    if (cursor < 0)
                    {
                        await connection.SyncAsync(null, _stopping.Token);
                        Interlocked.Exchange(ref _cursor, connection.HeadCursor);
                    }
                }
                catch (Exception exception) when (exception is WebSocketException or HttpRequestException)
                {
                    await Task.Delay(backoff, _stopping.Token);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }

                backoff = TimeSpan.FromMilliseconds(50);
                _connection = connection;

                // Forget the connection the moment it closes (before its Completion completes), so a sender that
                // saw it fail waits for the next one instead of retrying on the dead one.
                connection.Closed += Forget;
                lock (_gate)
                {
                    if (connection.Completion.IsCompleted)
                    {
                        Forget(connection);
                    }
                    else
                    {
                        _connected.TrySetResult(connection);
                    }
                }

                if (_presenceIds.Count > 0)
                {
                    _ = ResubscribeAsync(connection);
                }

                await PumpAsync(connection);
                Forget(connection);

                var status = connection.CloseStatus;
                await connection.DisposeAsync();
                if (status is CloseCodes.Unauthorized or CloseCodes.SessionRevoked)
                {
                    EndedWith = status;
                    break;
                }

                Reconnects++;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _frames.Writer.TryComplete();
            lock (_gate)
            {
                _connected.TrySetException(new WebSocketException("The live client has stopped."));
            }
        }
    }

    private void Forget(RoostConnection closed)
    {
        lock (_gate)
        {
            // Waiters on a pending task keep waiting for the next connection; only a task holding this one is replaced.
            if (_connected.Task.IsCompletedSuccessfully && ReferenceEquals(_connected.Task.Result, closed))
            {
                _connected = new TaskCompletionSource<RoostConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Renews the presence subscription on a new connection; a failure means that connection is gone, and the next one tries again.</summary>
    private async Task ResubscribeAsync(RoostConnection connection)
    {
        try
        {
            await _presenceGate.WaitAsync(_stopping.Token);
            try
            {
                if (_presenceIds.Count > 0 && !connection.Completion.IsCompleted)
                {
                    await connection.SubscribePresenceAsync(_presenceIds, _stopping.Token);
                }
            }
            finally
            {
                _presenceGate.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or RoostRealtimeException)
        {
            // Dropped or stopping; the answer, when it came, reached Frames through the pump.
        }
    }

    /// <summary>Passes frames on; an event whose cursor was already passed on (replayed by a sync after a reconnect) is dropped.</summary>
    private async Task PumpAsync(RoostConnection connection)
    {
        while (await connection.Frames.WaitToReadAsync(_stopping.Token))
        {
            while (connection.Frames.TryRead(out var frame))
            {
                if (frame.Type == ServerFrameTypes.Event && frame.Cursor is { } cursor)
                {
                    if (cursor <= Cursor)
                    {
                        continue;
                    }

                    await _frames.Writer.WriteAsync(frame, _stopping.Token);
                    Interlocked.Exchange(ref _cursor, cursor);
                    continue;
                }

                if (frame.Type is ServerFrameTypes.Synced)
                {
                    continue;
                }

                if (frame.Type is ServerFrameTypes.PresenceSubscribed)
                {
                    // A subscription's starting state, as the presence frames the app already handles.
                    foreach (var presence in frame.Presence ?? [])
                    {
                        await _frames.Writer.WriteAsync(
                            new ServerFrame { Type = ServerFrameTypes.Presence, AccountId = presence.AccountId, Status = presence.Status, LastSeenAt = presence.LastSeenAt },
                            _stopping.Token);
                    }

                    continue;
                }

                if (frame.Type is ServerFrameTypes.ResyncRequired && frame.Cursor is { } head)
                {
                    // The app must rebuild from REST; the stream continues from the head.
                    Interlocked.Exchange(ref _cursor, head);
                }

                await _frames.Writer.WriteAsync(frame, _stopping.Token);
            }
        }
    }

    /// <summary>Close codes the server uses (docs/protocol.md).</summary>
    public static class CloseCodes
    {
        public const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4001;
        public const WebSocketCloseStatus SessionRevoked = (WebSocketCloseStatus)4003;
        public const WebSocketCloseStatus Backpressure = (WebSocketCloseStatus)4008;
    }
}
