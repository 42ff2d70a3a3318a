namespace Roost.Core.Delivery;

/// <summary>
/// This node's part in delivery: committed events, ephemeral frames and revocations go to the local connections of
/// their accounts and, through the bus, to the nodes holding the others. The bus carries an account's messages to a
/// node only while the account has a connection there (<see cref="BusTopic.ConnectionsOf"/>). Never waits.
/// </summary>
public sealed class EventRouter : ICommittedEventListener, IBusReceiver, IConnectionCloser, Push.IConnectedDevices
{
    private readonly LocalConnections _local;
    private readonly IEventBus _bus;

    /// <summary>A router alone on an in-process bus (one node; tests and benchmarks).</summary>
    public EventRouter()
        : this(new InProcessEventBus())
    {
    }

    public EventRouter(IEventBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;

        // Watched under the registry's lock: a last connection leaving while the next arrives must not end unwatched.
        _local = new LocalConnections((accountId, connected) =>
        {
            if (connected)
            {
                _bus.Watch(BusTopic.ConnectionsOf(accountId));
            }
            else
            {
                _bus.Unwatch(BusTopic.ConnectionsOf(accountId));
            }
        });
    }

    /// <summary>Raised when an account gets its first live connection on this node (true) or loses its last one here (false).</summary>
    public event Action<long, bool>? OnlineChanged;

    /// <summary>Raised after every connection that arrives or leaves here (a device may be the account's second): the account's devices here changed.</summary>
    public event Action<long>? DevicesChanged;

    /// <summary>Raised for a presence change published by any node (this one too), and for every watched account when the bus may have missed some (null).</summary>
    public event Action<long?>? PresenceHinted;

    public IEventBus Bus => _bus;

    /// <summary>Connections on this node.</summary>
    public int ConnectionCount => _local.Count;

    /// <summary>Accounts with a connection on this node.</summary>
    public int ConnectedAccountCount => _local.AccountCount;

    /// <summary>Whether the account has a live connection on this node.</summary>
    public bool IsConnectedHere(long accountId) => _local.IsConnected(accountId);

    /// <summary>Whether this device has a live connection on this node.</summary>
    public bool IsDeviceConnectedHere(long accountId, long deviceId) => _local.IsConnected(accountId, deviceId);

    /// <summary>The account's devices with a live connection on this node.</summary>
    public long[] DevicesConnectedHere(long accountId) => _local.DevicesOf(accountId);

    public void Subscribe(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (_local.Add(subscriber))
        {
            OnlineChanged?.Invoke(subscriber.AccountId, true);
        }

        DevicesChanged?.Invoke(subscriber.AccountId);
    }

    public void Unsubscribe(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        if (_local.Remove(subscriber))
        {
            OnlineChanged?.Invoke(subscriber.AccountId, false);
        }

        DevicesChanged?.Invoke(subscriber.AccountId);
    }

    public void OnCommitted(IReadOnlyList<CommittedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var committed in events)
        {
            var recipients = committed.Recipients;
            for (var i = 0; i < recipients.Length; i++)
            {
                _local.Deliver(recipients[i], new OutboundFrame(committed.Cursor, committed.Frame, committed.PreviousCursorOf(i)));
            }
        }

        _bus.PublishEvents(events);
    }

    /// <summary>Sends a frame that is not stored (typing) to the connections of these accounts, here and on other nodes.</summary>
    public void SendEphemeral(IEnumerable<long> accountIds, ReadOnlyMemory<byte> bytes, long exceptAccountId = 0)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var frame = new OutboundFrame(0, bytes);
        foreach (var accountId in accountIds)
        {
            if (accountId != exceptAccountId)
            {
                _local.Deliver(accountId, frame);
                _bus.Publish(new BusMessage(BusMessageKind.Ephemeral, accountId, bytes));
            }
        }
    }

    public void CloseConnections(long accountId, long? deviceId, long exceptDeviceId = 0)
    {
        _local.Disconnect(accountId, deviceId, exceptDeviceId);
        _bus.Publish(new BusMessage(BusMessageKind.Disconnect, accountId, DeviceId: deviceId ?? 0, ExceptDeviceId: exceptDeviceId));
    }

    /// <summary>Tells the nodes watching the account's presence, this one included, that it changed in the store (they read it again).</summary>
    public void PublishPresenceChanged(long accountId)
    {
        _bus.Publish(new BusMessage(BusMessageKind.PresenceChanged, accountId));
        PresenceHinted?.Invoke(accountId);
    }

    /// <summary>The accounts with a connection on this node (a snapshot).</summary>
    public IReadOnlyList<long> ConnectedAccounts() => _local.Accounts();

    public void Receive(BusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case BusMessageKind.Event:
                _local.Deliver(message.AccountId, new OutboundFrame(message.Cursor, message.Frame, message.PreviousCursor));
                break;
            case BusMessageKind.Ephemeral:
                _local.Deliver(message.AccountId, new OutboundFrame(0, message.Frame));
                break;
            case BusMessageKind.Disconnect:
                _local.Disconnect(message.AccountId, message.DeviceId == 0 ? null : message.DeviceId, message.ExceptDeviceId);
                break;
            case BusMessageKind.PresenceChanged:
                PresenceHinted?.Invoke(message.AccountId);
                break;
            case BusMessageKind.CatchUp:
                Resync(message.AccountId == 0 ? null : BusTopic.ConnectionsOf(message.AccountId));
                break;
        }
    }

    public void Resync(BusTopic? topic)
    {
        if (topic is null)
        {
            _local.CatchUp(null);
            PresenceHinted?.Invoke(null);
        }
        else if (topic.Value.Kind == BusTopicKind.Connections)
        {
            _local.CatchUp(topic.Value.AccountId);
        }
        else
        {
            PresenceHinted?.Invoke(topic.Value.AccountId);
        }
    }
}
