using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Sessions;

/// <summary>Turns bearer tokens into devices, and lets an account see and revoke its devices.</summary>
public sealed class SessionService(IRoostStore store, TimeProvider time, IConnectionCloser connections)
{
    /// <summary>Last-seen is written at most this often per device, so authenticated reads do not all become writes.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>Returns the device a token belongs to, or null for a malformed, unknown or revoked token.</summary>
    public async Task<AuthenticatedDevice?> AuthenticateAsync(string? token, string? clientIp, CancellationToken cancellationToken)
    {
        if (!SessionToken.IsWellFormed(token))
        {
            return null;
        }

        var device = await store.Devices.FindByTokenHashAsync(SessionToken.Hash(token!), cancellationToken);
        if (device is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - device.LastSeenAt >= LastSeenResolution || !string.Equals(clientIp, device.LastIp, StringComparison.Ordinal))
        {
            await store.Devices.TouchAsync(device.DeviceId, now, clientIp, cancellationToken);
            device = device with { LastSeenAt = now, LastIp = clientIp };
        }

        return device;
    }

    public Task<IReadOnlyList<Device>> ListDevicesAsync(long accountId, CancellationToken cancellationToken) =>
        store.Devices.ListAsync(accountId, cancellationToken);

    /// <summary>Deletes the device's session and closes its live connections, on whichever node they are.</summary>
    public async Task<Outcome<Done>> RevokeDeviceAsync(long accountId, long deviceId, CancellationToken cancellationToken)
    {
        if (!await store.Devices.DeleteAsync(accountId, deviceId, cancellationToken))
        {
            return RoostError.NotFound("The device");
        }

        connections.CloseConnections(accountId, deviceId);
        return Done.Value;
    }

    public async Task LogoutAsync(AuthenticatedDevice caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await store.Devices.DeleteAsync(caller.AccountId, caller.DeviceId, cancellationToken);
        connections.CloseConnections(caller.AccountId, caller.DeviceId);
    }
}
