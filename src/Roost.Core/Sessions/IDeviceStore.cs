namespace Roost.Core.Sessions;

/// <summary>Durable device (session) records.</summary>
public interface IDeviceStore
{
    /// <summary>Creates the device, or returns null when its account no longer exists (deleted meanwhile).</summary>
    Task<Device?> CreateAsync(NewDevice device, CancellationToken cancellationToken);

    Task<AuthenticatedDevice?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

    Task TouchAsync(long deviceId, DateTimeOffset lastSeenAt, string? lastIp, CancellationToken cancellationToken);

    /// <summary>Whether the device (session) still exists, i.e. has not been revoked.</summary>
    Task<bool> ExistsAsync(long deviceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Device>> ListAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Deletes the device only when it belongs to <paramref name="accountId"/>.</summary>
    Task<bool> DeleteAsync(long accountId, long deviceId, CancellationToken cancellationToken);
}
