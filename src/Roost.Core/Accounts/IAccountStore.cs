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

    /// <summary>Deletes the account and, with it, every device and session.</summary>
    Task<bool> DeleteAsync(long accountId, CancellationToken cancellationToken);
}
