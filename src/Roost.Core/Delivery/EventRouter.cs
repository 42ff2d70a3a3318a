using System.Collections.Concurrent;

namespace Roost.Core.Delivery;

/// <summary>
/// Routes committed events and ephemeral frames to the live connections of their recipients on this node.
/// Never waits: a full outbox means the connection is too slow, and it is told to close.
/// Subscriber sets are copy-on-write arrays, so publishing takes no lock.
/// </summary>
public sealed class EventRouter : ICommittedEventListener
{
    private readonly ConcurrentDictionary<long, ISubscriber[]> _byAccount = new();
    private readonly Lock _gate = new();

    /// <summary>Raised when an account gets its first live connection (true) or loses its last one (false).</summary>
    public event Action<long, bool>? OnlineChanged;

    public int ConnectionCount { get; private set; }

    public void Subscribe(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        bool first;
        lock (_gate)
        {
            var current = _byAccount.GetValueOrDefault(subscriber.AccountId, []);
            first = current.Length == 0;
            _byAccount[subscriber.AccountId] = [.. current, subscriber];
            ConnectionCount++;
        }

        if (first)
        {
            OnlineChanged?.Invoke(subscriber.AccountId, true);
        }
    }

    public void Unsubscribe(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        bool last;
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(subscriber.AccountId, out var current) || Array.IndexOf(current, subscriber) < 0)
            {
                return;
            }

            var remaining = current.Where(s => !ReferenceEquals(s, subscriber)).ToArray();
            last = remaining.Length == 0;
            if (last)
            {
                _byAccount.TryRemove(subscriber.AccountId, out _);
            }
            else
            {
                _byAccount[subscriber.AccountId] = remaining;
            }

            ConnectionCount--;
        }

        if (last)
        {
            OnlineChanged?.Invoke(subscriber.AccountId, false);
        }
    }

    public bool IsOnline(long accountId) => _byAccount.ContainsKey(accountId);

    public void OnCommitted(IReadOnlyList<CommittedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var committed in events)
        {
            var frame = new OutboundFrame(committed.Cursor, committed.Frame);
            foreach (var accountId in committed.Recipients)
            {
                Deliver(accountId, frame);
            }
        }
    }

    /// <summary>Sends a frame that is not stored (typing, presence) to whichever of these accounts are connected here.</summary>
    public void SendEphemeral(IEnumerable<long> accountIds, ReadOnlyMemory<byte> bytes, long exceptAccountId = 0)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var frame = new OutboundFrame(0, bytes);
        foreach (var accountId in accountIds)
        {
            if (accountId != exceptAccountId)
            {
                Deliver(accountId, frame);
            }
        }
    }

    /// <summary>Closes the connections of one device (or of every device of the account but <paramref name="exceptDeviceId"/> when <paramref name="deviceId"/> is null).</summary>
    public void Disconnect(long accountId, long? deviceId, long exceptDeviceId = 0)
    {
        if (!_byAccount.TryGetValue(accountId, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers)
        {
            if ((deviceId is null || subscriber.DeviceId == deviceId) && subscriber.DeviceId != exceptDeviceId)
            {
                subscriber.Disconnect(DisconnectReason.SessionRevoked);
            }
        }
    }

    private void Deliver(long accountId, OutboundFrame frame)
    {
        if (!_byAccount.TryGetValue(accountId, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers)
        {
            if (!subscriber.TryEnqueue(frame))
            {
                subscriber.Disconnect(DisconnectReason.Overflow);
            }
        }
    }
}
