using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Storage;
using Roost.Protocol.Realtime;

namespace Roost.Server.Gateway;

internal sealed partial class GatewayConnection
{
    private const int TypingExpiresInMs = 6000;
    private const int MaxTypingEntries = 256;
    private readonly Dictionary<long, long> _lastTypingAt = [];

    /// <summary>Operations started and not yet answered; the ping barrier waits for it to reach zero.</summary>
    private int _running;
    private TaskCompletionSource? _drained;

    /// <summary>
    /// Runs an operation without holding up the receive loop, so a client may pipeline many sends. The caller has
    /// taken a slot of <c>_inFlight</c>; it is released here.
    /// </summary>
    private async Task RunOperationAsync(ClientFrame frame, Func<ClientFrame, Task<byte[]>> operation)
    {
        byte[]? answer = null;
        try
        {
            // The continuation below only queues the answer: the store's writer may run it (InlineWriteCompletion).
            Task<byte[]> running;
            using (InlineWriteCompletion.Enter())
            {
                running = operation(frame);
            }

            answer = await running;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            return;
        }
        catch (ObjectDisposedException) when (_closing.IsCancellationRequested)
        {
            return; // The server is stopping, and so is this connection.
        }
        catch (StorageFullException)
        {
            // Logged once per episode by the store; nothing of the frame was stored.
            answer = GatewayFrames.Error(frame.Ref, ErrorCodes.StorageFull, "The server is out of storage space; nothing was stored. Retry later.", StorageFullException.SuggestedRetryAfter);
        }
        catch (StoreUnavailableException)
        {
            // Logged once per episode by the store; nothing of the frame was acknowledged, so a retry with the same client id is safe.
            answer = GatewayFrames.Error(frame.Ref, ErrorCodes.StoreUnavailable, "The server's database is unavailable; nothing was acknowledged. Retry shortly.", StoreUnavailableException.SuggestedRetryAfter);
        }
#pragma warning disable CA1031 // A fault in one operation is answered and logged; the connection lives on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.OperationFailed(_logger, exception, frame.Type ?? "", AccountId);
            answer = GatewayFrames.Error(frame.Ref, ErrorCodes.InternalError, "The server failed to process the frame.");
        }
        finally
        {
            // The answer is queued before the operation counts as finished, so a ping waiting for the count to reach
            // zero (the barrier) is answered after every earlier operation's answer.
            if (answer is { Length: > 0 })
            {
                Enqueue(answer);
            }

            OperationFinished();
            _inFlight.Release();
        }
    }

    /// <summary>
    /// <c>ping</c> is a barrier: its <c>pong</c> is queued only once every operation read before it has been
    /// answered, so "pong" means "everything I sent before the ping is stored (or refused)". The receive loop waits
    /// here, so frames after the ping are read after it; pings are rare, pipelining elsewhere is untouched. Only the
    /// receive loop starts operations, so while it waits the count of running ones can only fall.
    /// </summary>
    private async Task PingBarrierAsync(string? reference)
    {
        if (Volatile.Read(ref _running) != 0)
        {
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Exchange, not a plain write: the read of _running below must not move before this store.
            Interlocked.Exchange(ref _drained, drained);
            if (Volatile.Read(ref _running) != 0)
            {
                await drained.Task.WaitAsync(_closing.Token);
            }

            Interlocked.Exchange(ref _drained, null);
        }

        Enqueue(GatewayFrames.Pong(reference));
    }

    /// <summary>Marks an operation done (after its answer is queued) and wakes a waiting ping when it was the last.</summary>
    private void OperationFinished()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    private async Task<byte[]> SendAsync(ClientFrame frame)
    {
        if (frame.ConversationId is not { } conversationId)
        {
            return Missing(frame, "conversationId");
        }

        var outcome = await _services.Messaging.SendAsync(AccountId, conversationId, frame.ClientId, frame.Body, frame.ReplyTo, frame.Attachments, CancellationToken.None);
        if (!outcome.IsSuccess)
        {
            return GatewayFrames.Error(frame.Ref, outcome.Error);
        }

        var ack = outcome.Value;
        return GatewayFrames.Ack(frame.Ref, ack.ClientId, ack.ConversationId, ack.Seq, ack.SentAt, ack.Duplicate);
    }

    private async Task<byte[]> EditAsync(ClientFrame frame) =>
        frame.ConversationId is not { } conversationId || frame.Seq is not { } seq
            ? Missing(frame, "conversationId and seq")
            : Answer(frame, await _services.Messaging.EditAsync(AccountId, conversationId, seq, frame.Body, CancellationToken.None));

    private async Task<byte[]> DeleteAsync(ClientFrame frame) =>
        frame.ConversationId is not { } conversationId || frame.Seq is not { } seq
            ? Missing(frame, "conversationId and seq")
            : Answer(frame, await _services.Messaging.DeleteAsync(AccountId, conversationId, seq, CancellationToken.None));

    private async Task<byte[]> ReactAsync(ClientFrame frame) =>
        frame.ConversationId is not { } conversationId || frame.Seq is not { } seq
            ? Missing(frame, "conversationId and seq")
            : Answer(frame, await _services.Messaging.ReactAsync(AccountId, conversationId, seq, frame.Emoji, CancellationToken.None));

    private async Task<byte[]> MarkAsync(ClientFrame frame)
    {
        if (frame.ConversationId is not { } conversationId || frame.Seq is not { } seq)
        {
            return Missing(frame, "conversationId and seq");
        }

        var kind = frame.Type == ClientFrameTypes.Read ? ReceiptKinds.Read : ReceiptKinds.Delivered;
        return Answer(frame, await _services.Messaging.MarkAsync(AccountId, conversationId, kind, seq, CancellationToken.None));
    }

    /// <summary>
    /// Typing is ephemeral: never stored, and passed on at most once per interval per conversation (extra frames are
    /// coalesced). Membership is checked before the interval is recorded, so made-up conversation ids cannot fill the table.
    /// </summary>
    private async Task<byte[]> TypingAsync(ClientFrame frame)
    {
        if (frame.ConversationId is not { } conversationId)
        {
            return Missing(frame, "conversationId");
        }

        var time = _services.Time;
        lock (_lastTypingAt)
        {
            if (_lastTypingAt.TryGetValue(conversationId, out var last) && time.GetElapsedTime(last) < _options.TypingInterval)
            {
                return frame.Ref is null ? [] : GatewayFrames.Ok(frame.Ref);
            }
        }

        // Coalesced frames above cost nothing; one that would reach the store is limited per account.
        if (_services.Messaging.CheckTyping(AccountId) is { } limited)
        {
            return GatewayFrames.Error(frame.Ref, limited);
        }

        var members = await Store.Conversations.GetMemberIdsIfMemberAsync(conversationId, AccountId, CancellationToken.None);
        if (members is null)
        {
            return GatewayFrames.Error(frame.Ref, Core.Conversations.ConversationRules.NotAMember());
        }

        lock (_lastTypingAt)
        {
            var now = time.GetTimestamp();
            if (_lastTypingAt.TryGetValue(conversationId, out var last) && time.GetElapsedTime(last, now) < _options.TypingInterval)
            {
                return frame.Ref is null ? [] : GatewayFrames.Ok(frame.Ref);
            }

            if (_lastTypingAt.Count >= MaxTypingEntries)
            {
                foreach (var expired in _lastTypingAt.Where(e => time.GetElapsedTime(e.Value, now) >= _options.TypingInterval).Select(e => e.Key).ToList())
                {
                    _lastTypingAt.Remove(expired);
                }

                if (_lastTypingAt.Count >= MaxTypingEntries)
                {
                    // Typing in this many conversations at once: coalesce until some expire.
                    return frame.Ref is null ? [] : GatewayFrames.Ok(frame.Ref);
                }
            }

            _lastTypingAt[conversationId] = now;
        }

        _services.Router.SendEphemeral(members, GatewayFrames.Typing(conversationId, AccountId, TypingExpiresInMs), exceptAccountId: AccountId);
        return frame.Ref is null ? [] : GatewayFrames.Ok(frame.Ref);
    }

    private static byte[] Answer(ClientFrame frame, Outcome<Done> outcome) =>
        outcome.IsSuccess ? GatewayFrames.Ok(frame.Ref) : GatewayFrames.Error(frame.Ref, outcome.Error);

    private byte[] Missing(ClientFrame frame, string fields)
    {
        Invalid(frame.Ref, GatewayErrorCodes.MissingField, $"A {frame.Type} frame needs {fields}.");
        return [];
    }
}
