namespace Roost.Core.Delivery;

/// <summary>
/// Closes live connections whose session ended, on every node. The use cases that end sessions (log-out, device
/// revoke, password change, account deletion or disabling) call it after the store has removed the sessions, so a
/// connection that opens in between fails its own session check instead.
/// </summary>
public interface IConnectionCloser
{
    /// <summary>One device's connections, or (<paramref name="deviceId"/> null) every device's but <paramref name="exceptDeviceId"/>.</summary>
    void CloseConnections(long accountId, long? deviceId, long exceptDeviceId = 0);
}
