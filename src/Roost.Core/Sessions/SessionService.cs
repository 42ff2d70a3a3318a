using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Sessions;

/// <summary>Turns bearer tokens into devices, and lets an account see and revoke its devices.</summary>
public sealed class SessionService(IRoostStore store, TimeProvider time)
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

    public async Task<Outcome<Done>> RevokeDeviceAsync(long accountId, long deviceId, CancellationToken cancellationToken) =>
        await store.Devices.DeleteAsync(accountId, deviceId, cancellationToken)
            ? Done.Value
            : RoostError.NotFound("The device");

    public Task LogoutAsync(AuthenticatedDevice caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return store.Devices.DeleteAsync(caller.AccountId, caller.DeviceId, cancellationToken);
    }
}
