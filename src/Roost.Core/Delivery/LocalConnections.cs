using System.Collections.Concurrent;

namespace Roost.Core.Delivery;

/// <summary>
/// The live connections on this node, by account. Never waits: a full outbox means the connection is too slow, and it
/// is told to close. Subscriber sets are copy-on-write arrays, so delivering takes no lock.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<long, ISubscriber[]> _byAccount = new();
    private readonly Lock _gate = new();
    private readonly Action<long, bool>? _onAccountChanged;
    private int _count;

    public LocalConnections()
    {
    }

    /// <summary>
    /// <paramref name="onAccountChanged"/> runs under the registry's lock when an account gets its first connection here
    /// (true) or loses its last (false), so its calls for one account come in the order of the changes. It must be quick.
    /// </summary>
    public LocalConnections(Action<long, bool> onAccountChanged)
    {
        _onAccountChanged = onAccountChanged;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many accounts have a connection here.</summary>
    public int AccountCount => _byAccount.Count;

    public bool IsConnected(long accountId) => _byAccount.ContainsKey(accountId);

    /// <summary>Whether this device of the account has a live connection here.</summary>
    public bool IsConnected(long accountId, long deviceId) =>
        _byAccount.TryGetValue(accountId, out var subscribers) && Array.Exists(subscribers, s => s.DeviceId == deviceId);

    /// <summary>The devices of the account with a connection here (a snapshot; empty when none; one entry per connection).</summary>
    public long[] DevicesOf(long accountId)
    {
        // On every send to a connected recipient: a plain copy (a device connected twice appears twice, which no
        // caller minds).
        if (!_byAccount.TryGetValue(accountId, out var subscribers))
        {
            return [];
        }

        var devices = new long[subscribers.Length];
        for (var i = 0; i < subscribers.Length; i++)
        {
            devices[i] = subscribers[i].DeviceId;
        }

        return devices;
    }

    /// <summary>The accounts with a connection here (a snapshot).</summary>
    public IReadOnlyList<long> Accounts() => [.. _byAccount.Keys];

    /// <summary>Adds a connection; true when it is the account's first on this node.</summary>
    public bool Add(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var current = _byAccount.GetValueOrDefault(subscriber.AccountId, []);
            _byAccount[subscriber.AccountId] = [.. current, subscriber];
            _count++;
            if (current.Length == 0)
            {
                _onAccountChanged?.Invoke(subscriber.AccountId, true);
                return true;
            }

            return false;
        }
    }

    /// <summary>Removes a connection; true when it was the account's last on this node (false when it was not here).</summary>
    public bool Remove(ISubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(subscriber.AccountId, out var current) || Array.IndexOf(current, subscriber) < 0)
            {
                return false;
            }

            var remaining = current.Where(s => !ReferenceEquals(s, subscriber)).ToArray();
            if (remaining.Length == 0)
            {
                _byAccount.TryRemove(subscriber.AccountId, out _);
                _onAccountChanged?.Invoke(subscriber.AccountId, false);
            }
            else
            {
                _byAccount[subscriber.AccountId] = remaining;
            }

            _count--;
            return remaining.Length == 0;
        }
    }

    public void Deliver(long accountId, OutboundFrame frame)
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

    /// <summary>Closes the connections of one device (or of every device of the account but <paramref name="exceptDeviceId"/> when <paramref name="deviceId"/> is null).</summary>
    public void Disconnect(long accountId, long? deviceId, long exceptDeviceId)
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

    /// <summary>Asks the account's connections (every connection, when null) to catch up from the store.</summary>
    public void CatchUp(long? accountId)
    {
        if (accountId is { } id)
        {
            foreach (var subscriber in _byAccount.GetValueOrDefault(id, []))
            {
                subscriber.CatchUp();
            }

            return;
        }

        foreach (var subscribers in _byAccount.Values)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.CatchUp();
            }
        }
    }
}
