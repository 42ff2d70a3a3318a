using System.Net.WebSockets;
using System.Threading.Channels;
using Roost.Core.Delivery;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Server.Options;

namespace Roost.Server.Gateway;

/// <summary>
/// One device's WebSocket. Two loops: the receive loop parses frames and starts operations (never waiting on fan-out);
/// the send loop is the only writer to the socket and drains a bounded outbox, running syncs from the store in line
/// with live events so that the client sees each cursor once, in order. Closing starts once, from either side.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "RunAsync owns the lifetime and disposes its token sources when the connection ends; the semaphore holds no wait handle.")]
internal sealed partial class GatewayConnection : ISubscriber
{
    private readonly WebSocket _socket;
    private readonly CoalescingStream? _stream;
    private readonly AuthenticatedDevice _device;
    private readonly GatewayServices _services;
    private readonly GatewayOptions _options;
    private readonly Channel<OutboxItem> _outbox;
    private readonly CancellationTokenSource _closing;
    private readonly CancellationTokenSource _abort;
    private readonly SemaphoreSlim _inFlight;
    private readonly ILogger _logger;
    private readonly Lock _closeGate = new();
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "";
    private int _closeRequested;

    /// <param name="stream">The stream under <paramref name="socket"/>, when it can hold writes (HTTP/1.1 upgrades).</param>
    public GatewayConnection(WebSocket socket, CoalescingStream? stream, AuthenticatedDevice device, GatewayServices services, CancellationToken serverStopping)
    {
        _socket = socket;
        _stream = stream;
        _device = device;
        _services = services;
        _options = services.Options;
        _logger = services.Logger;
        _outbox = Channel.CreateBounded<OutboxItem>(new BoundedChannelOptions(_options.OutboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,

            // A frame queued while the send loop waits is sent by the queuing thread (the store's writer, mostly):
            // no thread-pool wake-up per recipient, and a batch's frames leave in the writer's pass over it. The loop
            // yields before anything that reads the store, and a slow socket returns the thread at its first wait.
            AllowSynchronousContinuations = true,
        });
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, services.Time);
        _inFlight = new SemaphoreSlim(_options.MaxInFlightSends, _options.MaxInFlightSends);

        // Last: the callback may run at once (server already stopping) and needs every field above.
        _closing = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _closing.Token.Register(() =>
        {
            if (serverStopping.IsCancellationRequested)
            {
                RequestClose(CloseCodes.GoingAway, "server stopping");
            }
        });
    }

    public long AccountId => _device.AccountId;

    public long DeviceId => _device.DeviceId;

    private IRoostStore Store => _services.Store;

    public async Task RunAsync(long? initialCursor)
    {
        _services.Router.Subscribe(this);
        Log.Connected(_logger, AccountId, DeviceId);
        try
        {
            // The token was checked before the upgrade; a revocation in between found nothing to close. Check again
            // now that revocations reach this connection.
            if (!await Store.Devices.ExistsAsync(DeviceId, _closing.Token))
            {
                Disconnect(DisconnectReason.SessionRevoked);
            }

            var head = await Store.Events.GetHeadCursorAsync(_closing.Token);
            Enqueue(GatewayFrames.Hello(AccountId, DeviceId, head, _options.MaxFrameBytes, _services.Messaging.Limits.MaxMessageBytes));
            if (initialCursor is not null)
            {
                RequestSync(initialCursor, reference: null);
            }

            var sending = SendLoopAsync();
            await ReceiveLoopAsync();
            RequestClose(WebSocketCloseStatus.NormalClosure, "");
            await sending;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closing was requested before the loops started.
        }
        catch (StoreUnavailableException)
        {
            RequestClose(CloseCodes.StoreUnavailable, "store_unavailable: reconnect and sync from your cursor");
        }
        finally
        {
            // Before the router: once this account's watchers hear it went offline, its own subscription is gone.
            _services.Presence.Unsubscribe(PresenceSubscription);
            _services.Router.Unsubscribe(this);
            await FinishCloseAsync();
            Log.Disconnected(_logger, AccountId, DeviceId, (int)_closeStatus, _closeDescription);
            _closing.Dispose();
            _abort.Dispose();
        }
    }

    public bool TryEnqueue(OutboundFrame frame) => _outbox.Writer.TryWrite(new OutboxItem(frame));

    public void CatchUp()
    {
        if (!_outbox.Writer.TryWrite(OutboxItem.CatchUp) && Volatile.Read(ref _closeRequested) == 0)
        {
            Disconnect(DisconnectReason.Overflow);
        }
    }

    public void Disconnect(DisconnectReason reason)
    {
        switch (reason)
        {
            case DisconnectReason.Overflow:
                RequestClose(CloseCodes.Backpressure, "too far behind: reconnect and sync from your cursor");
                break;
            case DisconnectReason.SessionRevoked:
                RequestClose(CloseCodes.SessionRevoked, "session revoked");
                break;
            default:
                RequestClose(CloseCodes.GoingAway, "server stopping");
                break;
        }
    }

    /// <summary>Starts closing with this status; only the first request counts. Safe from any thread, including the store's writer.</summary>
    private void RequestClose(WebSocketCloseStatus status, string description)
    {
        lock (_closeGate)
        {
            if (_closeRequested != 0)
            {
                return;
            }

            // Status first, then the flag: a loop that sees the flag also sees the status.
            _closeStatus = status;
            _closeDescription = description;
            Volatile.Write(ref _closeRequested, 1);
        }

        // A peer that does not take our close frame (or reply to it) in time is cut off.
        try
        {
            _abort.CancelAfter(_options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }

        // Complete and cancel off the caller's thread: the router calls this from the store's writer, which must not
        // run the closing connection's continuations (the send loop ending, the close handshake).
        _ = Task.Run(() =>
        {
            _outbox.Writer.TryComplete();
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        });
    }

    /// <summary>Queues a control frame; a full outbox means the client is not reading, so the connection closes.</summary>
    private void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (!_outbox.Writer.TryWrite(new OutboxItem(new OutboundFrame(0, frame))) && Volatile.Read(ref _closeRequested) == 0)
        {
            Disconnect(DisconnectReason.Overflow);
        }
    }

    private void RequestSync(long? cursor, string? reference)
    {
        if (!_outbox.Writer.TryWrite(new OutboxItem(cursor, reference)) && Volatile.Read(ref _closeRequested) == 0)
        {
            Disconnect(DisconnectReason.Overflow);
        }
    }

    /// <summary>Sends our close frame (once) if the socket still takes one; bounded by the abort token.</summary>
    private async Task SendCloseAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, _abort.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; nothing more to say to it.
        }
    }

    private async Task FinishCloseAsync()
    {
        await SendCloseAsync();
        if (_socket.State != WebSocketState.Closed)
        {
            _socket.Abort();
        }
    }

    /// <summary>An outbox entry: a frame to send, a request to sync from a cursor (null: from the head), or a catch-up.</summary>
    private readonly record struct OutboxItem(OutboundFrame Frame, OutboxItemKind Kind, long? SyncCursor, string? SyncReference)
    {
        public OutboxItem(OutboundFrame frame)
            : this(frame, OutboxItemKind.Frame, null, null)
        {
        }

        public OutboxItem(long? syncCursor, string? reference)
            : this(default, OutboxItemKind.Sync, syncCursor, reference)
        {
        }

        public static OutboxItem CatchUp => new(default, OutboxItemKind.CatchUp, null, null);
    }

    private enum OutboxItemKind : byte
    {
        Frame,
        Sync,
        CatchUp,
    }
}
