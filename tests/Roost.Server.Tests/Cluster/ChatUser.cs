using System.Collections.Concurrent;
using System.Net.WebSockets;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;

namespace Roost.Server.Tests.Cluster;

/// <summary>
/// One device of a user under load: connected to one node at a time (its own while that node lives, else the next),
/// sending in turn to each of its conversations and keeping every message event it receives. When its connection
/// breaks it reconnects, syncs from the last cursor it processed and sends the unacknowledged message again with the
/// same client id, as a real client does: so the test sees what a user would, and the server's exactly-once.
/// </summary>
public sealed class ChatUser(string name, long accountId, string token, IReadOnlyList<Uri> nodes, int homeNode) : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private readonly Lock _gate = new();
    private readonly HashSet<long> _receivedCursors = [];
    private readonly Dictionary<long, List<long>> _seqsByConversation = [];
    private readonly HashSet<int> _deadNodes = [];
    private RoostConnection? _live;
    private long _cursor;
    private int _duplicates;
    private int _outOfOrder;

    public string Name => name;

    public long AccountId => accountId;

    public int HomeNode => homeNode;

    /// <summary>Client id → (conversation, seq) of every acknowledged send.</summary>
    public ConcurrentDictionary<string, (long ConversationId, long Seq)> Acked { get; } = new();

    public int Reconnects { get; private set; }

    /// <summary>Sends answered with a retryable error (store_unavailable, rate_limited) and tried again.</summary>
    public int RetryableErrors { get; private set; }

    public int Duplicates => Volatile.Read(ref _duplicates);

    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>The node this user is connected to now (-1 before the first connect).</summary>
    public int CurrentNode { get; private set; } = -1;

    /// <summary>The seqs received per conversation, in the order received.</summary>
    public IReadOnlyList<long> Received(long conversationId)
    {
        lock (_gate)
        {
            return _seqsByConversation.TryGetValue(conversationId, out var seqs) ? [.. seqs] : [];
        }
    }

    /// <summary>Stops using a node (it was killed): the next reconnect goes elsewhere.</summary>
    public void Avoid(int node)
    {
        lock (_gate)
        {
            _deadNodes.Add(node);
        }
    }

    public Task ConnectAsync() => EnsureConnectedAsync();

    /// <summary>Sends until <paramref name="stop"/> is cancelled, each message to the next conversation in turn.</summary>
    public async Task SendUntilAsync(IReadOnlyList<long> conversationIds, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var clientId = $"{name}-{i}";
            var conversationId = conversationIds[i % conversationIds.Count];
            await SendOnceAsync(conversationId, clientId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is { } live)
        {
            await live.DisposeAsync();
        }
    }

    /// <summary>Sends one message until it is acknowledged, reconnecting and retrying with the same client id. Bounded.</summary>
    private async Task SendOnceAsync(long conversationId, string clientId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var live = await EnsureConnectedAsync();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                timeout.CancelAfter(RequestTimeout);
                var ack = await live.SendMessageAsync(conversationId, "load " + clientId, clientId, cancellationToken: timeout.Token);
                Acked[clientId] = (conversationId, ack.Seq!.Value);
                return;
            }
            catch (RoostRealtimeException exception) when (exception.Code is "store_unavailable" or "rate_limited")
            {
                RetryableErrors++;
                await Task.Delay(exception.RetryAfter ?? TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or InvalidOperationException or IOException)
            {
                // The connection broke (or the node stopped answering): reconnect and send the same message again.
                live.Abort();
            }
        }
    }

    private async Task<RoostConnection> EnsureConnectedAsync()
    {
        if (_live is { Completion.IsCompleted: false } current)
        {
            return current;
        }

        if (_live is { } broken)
        {
            await broken.DisposeAsync();
            _live = null;
            Reconnects++;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var attempt = 0; ; attempt++)
        {
            var node = PickNode(attempt);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                timeout.CancelAfter(RequestTimeout);
                var live = await RoostConnection.ConnectAsync(nodes[node], token, cancellationToken: timeout.Token);
                _ = ReadAsync(live);
                await live.SyncAsync(Interlocked.Read(ref _cursor), timeout.Token);
                (_live, CurrentNode) = (live, node);
                return live;
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or HttpRequestException or IOException or InvalidOperationException or RoostRealtimeException
                && !deadline.IsCancellationRequested)
            {
                // That node is away (killed, or its database is): try the next one after a short pause.
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }
    }

    private int PickNode(int attempt)
    {
        lock (_gate)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = (homeNode + attempt + i) % nodes.Count;
                if (!_deadNodes.Contains(node))
                {
                    return node;
                }
            }

            throw new InvalidOperationException("Every node is marked dead.");
        }
    }

    /// <summary>Keeps every message event; the cursor advances past what was processed, so a reconnect syncs from there.</summary>
    private async Task ReadAsync(RoostConnection live)
    {
        try
        {
            while (await live.ReadAsync() is { } frame)
            {
                if (frame.Type != ServerFrameTypes.Event || frame.Cursor is not { } cursor)
                {
                    continue;
                }

                lock (_gate)
                {
                    if (frame.Event is MessageCreatedEvent created)
                    {
                        if (!_receivedCursors.Add(cursor))
                        {
                            _duplicates++;
                        }
                        else
                        {
                            if (!_seqsByConversation.TryGetValue(created.Message.ConversationId, out var seqs))
                            {
                                _seqsByConversation[created.Message.ConversationId] = seqs = [];
                            }

                            if (seqs.Count > 0 && seqs[^1] >= created.Message.Seq)
                            {
                                _outOfOrder++;
                            }

                            seqs.Add(created.Message.Seq);
                        }
                    }

                    if (cursor > _cursor)
                    {
                        Interlocked.Exchange(ref _cursor, cursor);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // The connection broke; the sender notices and reconnects.
        }
    }
}
