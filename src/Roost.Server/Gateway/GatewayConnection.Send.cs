using System.Net.WebSockets;
using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    /// <summary>
    /// The only writer to the socket. Stream events are sent once each, in cursor order: a sync reads the store from
    /// the client's cursor while live events wait in the outbox, and afterwards every queued event at or below the
    /// last sent cursor is skipped. Before the first sync no stream event is sent (the sync will cover it). A live
    /// event whose previous cursor is above the last one sent shows a gap (its predecessor was committed on another
    /// node, and its hint is late or lost): the gap is read from the store first, the event with it.
    /// </summary>
    private async Task SendLoopAsync()
    {
        long lastSent = 0;
        var synced = false;
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token))
            {
                // Several frames waiting leave in one socket write: held until the outbox is drained.
                var holding = _stream is not null && reader.Count > 1;
                if (holding)
                {
                    _stream!.Hold();
                }

                while (Volatile.Read(ref _closeRequested) == 0 && reader.TryRead(out var item))
                {
                    if (item.Kind == OutboxItemKind.Sync)
                    {
                        // Off whichever thread queued the item: a sync reads the store synchronously.
                        await Task.Yield();
                        lastSent = await SyncAsync(item.SyncCursor, item.SyncReference);
                        if (!synced)
                        {
                            CancelQueuedPushes(lastSent);
                        }

                        synced = true;
                        continue;
                    }

                    if (item.Kind == OutboxItemKind.CatchUp)
                    {
                        await Task.Yield();
                        lastSent = await CatchUpAsync(synced, lastSent);
                        continue;
                    }

                    var frame = item.Frame;
                    if (frame.Cursor != 0)
                    {
                        if (!synced || frame.Cursor <= lastSent)
                        {
                            continue;
                        }

                        if (frame.PreviousCursor > lastSent)
                        {
                            await Task.Yield();
                            lastSent = await ReadGapAsync(lastSent);
                            if (frame.Cursor <= lastSent)
                            {
                                continue;
                            }
                        }

                        lastSent = frame.Cursor;
                    }

                    await SendFrameAsync(frame.Bytes);
                }

                if (holding)
                {
                    await _stream!.ReleaseAsync(_abort.Token);
                }

                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing, or the peer did not take our frames in time.
        }
        catch (WebSocketException)
        {
            RequestClose(WebSocketCloseStatus.NormalClosure, "");
        }
        catch (StoreUnavailableException)
        {
            // A sync cannot go on without the store, and live events cannot be sent past the gap it leaves.
            RequestClose(CloseCodes.StoreUnavailable, "store_unavailable: reconnect and sync from your cursor");
        }

        await StopHoldingAsync();
        await SendCloseAsync();
    }

    /// <summary>Lets held frames (and the close frame after them) go out after the loop ended mid-batch.</summary>
    private async Task StopHoldingAsync()
    {
        if (_stream is null)
        {
            return;
        }

        try
        {
            await _stream.ReleaseAsync(_abort.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone; the close below fails the same way.
        }
    }

    /// <summary>
    /// After the bus may have missed messages for this account: checks the session still exists (a revocation may have
    /// been among them) and, once synced, sends what the store holds after the last cursor sent.
    /// </summary>
    private async Task<long> CatchUpAsync(bool synced, long lastSent)
    {
        if (!await Store.Devices.ExistsAsync(DeviceId, _closing.Token))
        {
            Disconnect(DisconnectReason.SessionRevoked);
            return lastSent;
        }

        return synced ? await ReadGapAsync(lastSent) : lastSent;
    }

    /// <summary>Sends every stored event after <paramref name="lastSent"/>, with no <c>synced</c> frame (the client asked for nothing). Returns the last cursor sent.</summary>
    private async Task<long> ReadGapAsync(long lastSent) => (await SendStoredAfterAsync(lastSent, reference: null)).Position;

    /// <summary>Sends every stored event after <paramref name="cursor"/> page by page, then <c>synced</c>. Returns the last cursor sent.</summary>
    private async Task<long> SyncAsync(long? cursor, string? reference)
    {
        if (cursor is null)
        {
            var head = await Store.Events.GetHeadCursorAsync(_closing.Token);
            await SendFrameAsync(GatewayFrames.Synced(reference, head));
            return head;
        }

        var headNow = await Store.Events.GetHeadCursorAsync(_closing.Token);
        if (cursor.Value > headNow)
        {
            // A cursor this server never issued (a restored backup, a client bug): skipping to it would hide events.
            await SendFrameAsync(GatewayFrames.ResyncRequired(reference, headNow));
            return headNow;
        }

        var (position, resyncRequired) = await SendStoredAfterAsync(cursor.Value, reference);
        if (!resyncRequired)
        {
            await SendFrameAsync(GatewayFrames.Synced(reference, position));
        }

        return position;
    }

    /// <summary>
    /// Sends the account's stored events after <paramref name="cursor"/>, page by page. When the cursor is older than
    /// the retained events, sends <c>resync_required</c> instead (the client rebuilds over REST and syncs from the head).
    /// </summary>
    private async Task<(long Position, bool ResyncRequired)> SendStoredAfterAsync(long cursor, string? reference)
    {
        var position = cursor;
        while (true)
        {
            var page = await Store.Events.ReadAfterAsync(AccountId, position, _options.SyncPageSize, _closing.Token);
            if (page is null)
            {
                var head = await Store.Events.GetHeadCursorAsync(_closing.Token);
                await SendFrameAsync(GatewayFrames.ResyncRequired(reference, head));
                return (head, true);
            }

            foreach (var stored in page)
            {
                await SendFrameAsync(stored.Frame);
                position = stored.Cursor;
            }

            if (page.Count < _options.SyncPageSize)
            {
                return (position, false);
            }
        }
    }

    private ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _abort.Token);
}
