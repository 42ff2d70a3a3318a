using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Roost.Core.Delivery;

namespace Roost.Bus.RabbitMq;

/// <summary>
/// The bus between nodes over RabbitMQ. Every node publishes to one direct exchange with the topic as routing key
/// (<see cref="BusMessageCodec.RoutingKey(BusTopic)"/>) and consumes from a queue of its own (exclusive: it goes with the
/// node's connection), bound to the topics its connections watch. So a message reaches only the nodes where its
/// account is connected, and an account connected nowhere costs one publish the broker drops.
/// <para>
/// Never waits and never throws to its callers: messages go through a bounded queue to one publishing loop, which
/// numbers and signs them. What cannot be passed on (the queue is full, the broker is away, a connection that died
/// with messages in its socket) is remembered by topic, and once connected again the node publishes a catch-up for
/// each (or one for every account when too many were missed), so the nodes holding those accounts read the store.
/// After each (re)connect this node's own connections catch up too, after each new binding that account's
/// connections, and whenever the broker dropped messages from this node's full queue (they are dead-lettered to a
/// small queue of its own), every connection here.
/// </para>
/// </summary>
public sealed partial class RabbitMqEventBus : IEventBus
{
    private readonly RabbitMqBusOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConnectionFactory _factory;
    private readonly string _queueName;
    private readonly string _droppedQueueName;
    private readonly string _droppedExchange;
    private readonly string _broker;
    private readonly ulong _ackEvery;
    private readonly long _sender = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));
    private readonly ReplayGuard _replays = new();
    private readonly BasicProperties _properties;
    private readonly Channel<BusMessage> _outgoing;
    private readonly ConcurrentDictionary<BusTopic, byte> _desired = new();
    private readonly ConcurrentDictionary<BusTopic, byte> _dirty = new();
    private readonly Channel<bool> _topologyChanged = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<BusTopic, byte> _missed = new();
    private readonly Channel<bool> _missedChanged = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IBusReceiver? _receiver;
    private Task? _loop;
    private long _sequence;
    private int _connected;
    private int _missedEveryAccount;
    private int _reconciling;
    private int _overflowResyncPending;
    private long _dropped;
    private long _unreadable;

    public RabbitMqEventBus(RabbitMqBusOptions options, TimeProvider time, ILogger<RabbitMqEventBus> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.NodeId);
        if (options.SigningKey.Length < 32)
        {
            throw new ArgumentException("The bus needs a signing key of at least 32 bytes.", nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger;
        _factory = RabbitMqConnections.CreateFactory(options);
        _queueName = "roost.node." + options.NodeId;
        _droppedQueueName = _queueName + ".dropped";
        _droppedExchange = options.Exchange + ".dropped";
        _broker = options.Describe();
        _ackEvery = Math.Max(1UL, options.Prefetch / 4UL);
        _properties = new BasicProperties { AppId = options.NodeId, DeliveryMode = DeliveryModes.Transient };
        _outgoing = Channel.CreateBounded<BusMessage>(new BoundedChannelOptions(options.PublishQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public bool IsConnected => Volatile.Read(ref _connected) != 0;

    /// <summary>Messages not passed on since the start (their topics were told to catch up).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Messages received that this build cannot read (another version's), whose signature does not check, or seen before; skipped.</summary>
    public long UnreadableCount => Interlocked.Read(ref _unreadable);

    /// <summary>Connected, and every topic watched so far is bound (a binding takes effect asynchronously).</summary>
    public bool IsSettled => IsConnected && _dirty.IsEmpty && Volatile.Read(ref _reconciling) == 0;

    public string Describe() => IsConnected ? _broker : _broker + " (not connected)";

    public async Task StartAsync(IBusReceiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (Interlocked.CompareExchange(ref _receiver, receiver, null) is not null)
        {
            throw new InvalidOperationException("The bus has been started already.");
        }

        _loop = Task.Run(RunAsync, CancellationToken.None);
        await _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    public void PublishEvents(IReadOnlyList<CommittedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var committed in events)
        {
            for (var i = 0; i < committed.Recipients.Length; i++)
            {
                Publish(new BusMessage(BusMessageKind.Event, committed.Recipients[i], committed.Frame, committed.Cursor, committed.PreviousCursorOf(i)));
            }
        }
    }

    public void Publish(BusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Only queued here (often on the store's writer): the routing key, numbering and signing happen on the publishing loop.
        if (!IsConnected || !_outgoing.Writer.TryWrite(message))
        {
            Missed(message);
        }
    }

    public void Watch(BusTopic topic)
    {
        _desired.TryAdd(topic, 0);
        MarkChanged(topic);
    }

    public void Unwatch(BusTopic topic)
    {
        _desired.TryRemove(topic, out _);
        MarkChanged(topic);
    }

    /// <summary>Passes on what is queued (for a short while), then disconnects.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // The last hints (this node's users going offline at its stop) are worth a moment.
        _outgoing.Writer.TryComplete();
        if (IsConnected)
        {
            await _drained.Task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private void MarkChanged(BusTopic topic)
    {
        _dirty.TryAdd(topic, 0);
        _topologyChanged.Writer.TryWrite(true);
    }

    /// <summary>
    /// Remembers that a message was not passed on: the nodes watching its topic must catch up. A catch-up of every
    /// account (or too many topics) means every node catches up everything.
    /// </summary>
    private void Missed(BusMessage message)
    {
        Interlocked.Increment(ref _dropped);
        var topic = message.Topic;
        if ((message.Kind == BusMessageKind.CatchUp && message.AccountId == 0)
            || (!_missed.ContainsKey(topic) && _missed.Count >= _options.MissedAccountsCapacity))
        {
            Volatile.Write(ref _missedEveryAccount, 1);
        }
        else
        {
            _missed.TryAdd(topic, 0);
        }

        // The publishing loop may be idle: it must not wait for the next publish to announce this.
        _missedChanged.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        var delay = _options.ReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _factory.CreateConnectionAsync(stopping);
                try
                {
                    delay = _options.ReconnectDelay;
                    await ServeAsync(connection, stopping);
                }
                finally
                {
                    Volatile.Write(ref _connected, 0);
                    await CloseQuietlyAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Any failure of the connection or a channel: connect again (the store keeps the events meanwhile).
                Log.Disconnected(_logger, _broker, exception.Message, DroppedCount);
            }

            _firstAttempt.TrySetResult();
            DropQueued();
            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }

        _firstAttempt.TrySetResult();
    }

    /// <summary>Declares this node's topology on a new connection, then publishes and binds until the connection or a channel ends.</summary>
    private async Task ServeAsync(IConnection connection, CancellationToken stopping)
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, _) => Lose(lost);

        await using var topology = await connection.CreateChannelAsync(cancellationToken: stopping);
        topology.ChannelShutdownAsync += (_, _) => Lose(lost);
        await topology.ExchangeDeclareAsync(_options.Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: stopping);
        await topology.ExchangeDeclareAsync(_droppedExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: stopping);

        // What the broker drops from a full queue (the oldest first) is dead-lettered to a one-message queue: seeing
        // anything there means this node's connections must catch up.
        await topology.QueueDeclareAsync(
            _droppedQueueName, durable: false, exclusive: true, autoDelete: true,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 1 }, cancellationToken: stopping);
        await topology.QueueBindAsync(_droppedQueueName, _droppedExchange, _queueName, cancellationToken: stopping);
        await topology.QueueDeclareAsync(
            _queueName,
            durable: false,
            exclusive: true,
            autoDelete: true,
            arguments: new Dictionary<string, object?>
            {
                ["x-max-length"] = _options.MaxQueuedMessages,
                ["x-dead-letter-exchange"] = _droppedExchange,
                ["x-dead-letter-routing-key"] = _queueName,
            },
            cancellationToken: stopping);
        await topology.QueueBindAsync(_queueName, _options.Exchange, BusMessageCodec.EveryNodeKey, cancellationToken: stopping);

        var bound = new HashSet<BusTopic>();
        Volatile.Write(ref _reconciling, 1);
        foreach (var topic in _desired.Keys)
        {
            // Cleared before the check: an unwatch from now on marks the topic again for the reconcile loop.
            _dirty.TryRemove(topic, out _);
            if (_desired.ContainsKey(topic))
            {
                await topology.QueueBindAsync(_queueName, _options.Exchange, BusMessageCodec.RoutingKey(topic), cancellationToken: stopping);
                bound.Add(topic);
            }
        }

        await topology.BasicQosAsync(0, _options.Prefetch, global: false, stopping);
        var consumer = new AsyncEventingBasicConsumer(topology);
        consumer.ReceivedAsync += (_, delivery) => ReceiveAsync(topology, delivery);
        consumer.UnregisteredAsync += (_, _) => Lose(lost);
        await topology.BasicConsumeAsync(_queueName, autoAck: false, consumer, stopping);
        var dropped = new AsyncEventingBasicConsumer(topology);
        dropped.ReceivedAsync += (_, _) => OverflowedAsync();
        await topology.BasicConsumeAsync(_droppedQueueName, autoAck: true, dropped, stopping);

        await using var publishing = await connection.CreateChannelAsync(cancellationToken: stopping);
        publishing.ChannelShutdownAsync += (_, _) => Lose(lost);
        Volatile.Write(ref _connected, 1);
        Log.Connected(_logger, _broker, _queueName, bound.Count);

        // Messages published for this node while it had no queue were lost: every connection here catches up.
        _receiver!.Resync(null);
        _firstAttempt.TrySetResult();

        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var sequenceAtStart = Volatile.Read(ref _sequence);
        Volatile.Write(ref _reconciling, 0);
        var publish = PublishLoopAsync(publishing, session.Token);
        var reconcile = ReconcileLoopAsync(topology, bound, session.Token);
        _topologyChanged.Writer.TryWrite(true);
        var ended = await Task.WhenAny(lost.Task, publish, reconcile);
        Volatile.Write(ref _connected, 0);
        await session.CancelAsync();
        await Task.WhenAll(publish, reconcile).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.ThrowIfCancellationRequested();

        // Publishes written to a socket that then died may never have reached the broker, and nothing says which:
        // once back, every node catches up (unless this session published nothing).
        if (Volatile.Read(ref _sequence) != sequenceAtStart)
        {
            Volatile.Write(ref _missedEveryAccount, 1);
        }

        // Surfaces the loop's failure (or the shutdown) for the log line of the reconnect.
        await ended;
        throw new IOException(connection.CloseReason?.ReplyText ?? "the connection to RabbitMQ or one of its channels closed");
    }

    private static Task Lose(TaskCompletionSource lost)
    {
        lost.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task PublishLoopAsync(IChannel channel, CancellationToken cancellationToken)
    {
        var reader = _outgoing.Reader;
        await PublishMissedAsync(channel, cancellationToken);

        // One wait on each at a time (a wait left pending is kept for the next turn, never started twice).
        Task<bool>? published = null;
        Task<bool>? missed = null;
        while (true)
        {
            published ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            missed ??= _missedChanged.Reader.WaitToReadAsync(cancellationToken).AsTask();
            await Task.WhenAny(published, missed);
            if (missed.IsCompleted)
            {
                await missed;
                _missedChanged.Reader.TryRead(out _);
                missed = null;
            }

            while (reader.TryRead(out var outgoing))
            {
                await PublishAsync(channel, BusMessageCodec.RoutingKey(outgoing), outgoing, cancellationToken);
            }

            await PublishMissedAsync(channel, cancellationToken);
            if (published.IsCompleted)
            {
                if (!await published)
                {
                    break;
                }

                published = null;
            }
        }

        // Stopping: everything queued and every catch-up went out. The session ends with the bus.
        _drained.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>Numbers, signs and publishes one message; on failure its topic is remembered for a catch-up.</summary>
    private async Task PublishAsync(IChannel channel, string routingKey, BusMessage message, CancellationToken cancellationToken)
    {
        var envelope = new BusEnvelope(_sender, ++_sequence, _time.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            await channel.BasicPublishAsync(_options.Exchange, routingKey, mandatory: false, _properties, BusMessageCodec.Encode(message, envelope, _options.SigningKey), cancellationToken);
        }
        catch
        {
            Missed(message);
            throw;
        }
    }

    /// <summary>Tells the nodes watching topics whose messages were dropped to read the store again.</summary>
    private async Task PublishMissedAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _missedEveryAccount, 0) != 0)
        {
            _missed.Clear();
            var everyone = new BusMessage(BusMessageKind.CatchUp, 0);
            await PublishAsync(channel, BusMessageCodec.EveryNodeKey, everyone, cancellationToken);
            return;
        }

        foreach (var topic in _missed.Keys)
        {
            _missed.TryRemove(topic, out _);

            // A presence hint says "read it again" already; a connections catch-up reads the stream and checks the session.
            var message = topic.Kind == BusTopicKind.Presence
                ? new BusMessage(BusMessageKind.PresenceChanged, topic.AccountId)
                : new BusMessage(BusMessageKind.CatchUp, topic.AccountId);
            await PublishAsync(channel, BusMessageCodec.RoutingKey(topic), message, cancellationToken);
        }
    }

    /// <summary>Binds and unbinds this node's queue as its connections come and go; a new binding makes the account's connections catch up.</summary>
    private async Task ReconcileLoopAsync(IChannel topology, HashSet<BusTopic> bound, CancellationToken cancellationToken)
    {
        var reader = _topologyChanged.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            reader.TryRead(out _);
            Volatile.Write(ref _reconciling, 1);
            foreach (var topic in _dirty.Keys)
            {
                _dirty.TryRemove(topic, out _);
                var wanted = _desired.ContainsKey(topic);
                if (wanted && bound.Add(topic))
                {
                    await topology.QueueBindAsync(_queueName, _options.Exchange, BusMessageCodec.RoutingKey(topic), cancellationToken: cancellationToken);
                    _receiver!.Resync(topic);
                }
                else if (!wanted && bound.Remove(topic))
                {
                    await topology.QueueUnbindAsync(_queueName, _options.Exchange, BusMessageCodec.RoutingKey(topic), cancellationToken: cancellationToken);
                }
            }

            Volatile.Write(ref _reconciling, 0);
        }
    }

    private async Task ReceiveAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        if (delivery.BasicProperties.AppId != _options.NodeId)
        {
            var decoded = BusMessageCodec.Decode(delivery.Body.Span, _options.SigningKey);
            var verdict = decoded is { } signed ? _replays.Check(signed.Envelope, _time.GetUtcNow().ToUnixTimeMilliseconds()) : ReplayVerdict.Replayed;
            try
            {
                if (decoded is { } message && verdict == ReplayVerdict.Accepted)
                {
                    _receiver!.Receive(message.Message);
                }
                else if (decoded is { } stale && verdict == ReplayVerdict.OutOfWindow)
                {
                    // Signed, but too old to trust: what it was about is read from the store instead.
                    _receiver!.Resync(stale.Message.Kind == BusMessageKind.CatchUp && stale.Message.AccountId == 0 ? null : stale.Message.Topic);
                }
                else if (Interlocked.Increment(ref _unreadable) % 1000 == 1)
                {
                    Log.Unreadable(_logger, UnreadableCount);
                }
            }
            catch (Exception exception)
            {
                // A receiver must not throw; if one does, the consumer goes on with the next message.
                Log.ReceiveFailed(_logger, decoded?.Message.Kind ?? default, exception);
            }
        }

        // Acknowledged in groups: the prefetch window bounds what waits here, and an unacknowledged tail costs nothing.
        if (delivery.DeliveryTag % _ackEvery == 0)
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true, CancellationToken.None);
        }
    }

    /// <summary>
    /// The broker dropped messages from this node's full queue: every connection here catches up, once per second at
    /// most. Returns at once: the channel's consumers (the main queue's too) must not wait for it.
    /// </summary>
    private Task OverflowedAsync()
    {
        if (Interlocked.Exchange(ref _overflowResyncPending, 1) == 0)
        {
            Log.Overflowed(_logger, _queueName);
            _ = ResyncAfterOverflowAsync();
        }

        return Task.CompletedTask;
    }

    private async Task ResyncAfterOverflowAsync()
    {
        try
        {
            // Drops until then are covered by the one catch-up that follows.
            await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token);
            Volatile.Write(ref _overflowResyncPending, 0);
            _receiver!.Resync(null);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>While away, queued messages are not kept: their topics catch up once the bus is back.</summary>
    private void DropQueued()
    {
        while (_outgoing.Reader.TryRead(out var outgoing))
        {
            Missed(outgoing);
        }
    }

    private async Task CloseQuietlyAsync(IConnection connection)
    {
        try
        {
            if (connection.IsOpen)
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CloseFailed(_logger, exception.Message);
        }

        await connection.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Event bus connected to {Broker}: queue {Queue}, {Bound} topics bound")]
        public static partial void Connected(ILogger logger, string broker, string queue, int bound);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Event bus lost {Broker} ({Reason}); reconnecting. Messages not passed on so far: {Dropped} (their accounts catch up from the store)")]
        public static partial void Disconnected(ILogger logger, string broker, string reason, long dropped);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A {Kind} message from the event bus could not be delivered to this node's connections")]
        public static partial void ReceiveFailed(ILogger logger, BusMessageKind kind, Exception exception);

        [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Closing the event bus connection failed: {Reason}")]
        public static partial void CloseFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Dropped a message from the event bus that this node cannot read, whose signature does not check, or that was seen before ({Count} so far): every node must run this version with the same Roost:Identity:EncryptionKey and clocks within a minute, and only Roost nodes may publish to its exchange")]
        public static partial void Unreadable(ILogger logger, long count);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "RabbitMQ dropped messages from the full queue {Queue} (this node reads too slowly); its connections catch up from the store")]
        public static partial void Overflowed(ILogger logger, string queue);
    }
}
