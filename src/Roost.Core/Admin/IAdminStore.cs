namespace Roost.Core.Admin;

public sealed record AdminUser(
    long Id, string Username, string DisplayName, string? Phone, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, int Devices, DateTimeOffset? LastSeenAt);

public sealed record StoreStats(long Accounts, long Devices, long Conversations, long Messages, long Events, long StoreBytes);

/// <summary>What operators see and change through the admin API.</summary>
public interface IAdminStore
{
    Task<IReadOnlyList<AdminUser>> ListUsersAsync(long afterId, int limit, CancellationToken cancellationToken);

    Task<AdminUser?> FindUserAsync(string normalizedUsername, CancellationToken cancellationToken);

    /// <summary>Disables (revoking every session) or re-enables an account; false when it does not exist.</summary>
    Task<bool> SetDisabledAsync(long accountId, DateTimeOffset? disabledAt, CancellationToken cancellationToken);

    /// <summary>Deletes every device (session) of the account; returns how many.</summary>
    Task<int> RevokeSessionsAsync(long accountId, CancellationToken cancellationToken);

    Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken);
}
