namespace Roost.Core.Accounts;

/// <summary>Durable account records. Implementations commit before their task completes.</summary>
public interface IAccountStore
{
    /// <summary>Creates the account, or returns null when the normalized username is taken.</summary>
    Task<Account?> CreateAsync(NewAccount account, CancellationToken cancellationToken);

    Task<Account?> FindByIdAsync(long accountId, CancellationToken cancellationToken);

    Task<Account?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken);

    Task<bool> SetPasswordHashAsync(long accountId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>In one transaction: stores the new hash and deletes every device of the account but <paramref name="keepDeviceId"/>.</summary>
    Task<bool> ChangePasswordAsync(long accountId, string passwordHash, long keepDeviceId, CancellationToken cancellationToken);

    Task<Account?> UpdateProfileAsync(long accountId, ProfileChange change, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the account and, with it, every device and session. Its conversations hear of it (<c>member.removed</c>,
    /// reason <c>deleted</c>), and a group it owned passes to its longest-standing admin, else member.
    /// </summary>
    Task<bool> DeleteAsync(long accountId, DateTimeOffset now, CancellationToken cancellationToken);
}
