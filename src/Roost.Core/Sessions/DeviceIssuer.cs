using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Sessions;

/// <summary>
/// Creates a device with a fresh token once every factor of a log-in has been checked, and a device key that lets
/// later log-ins from it past a lockout (<see cref="DeviceKeys"/>).
/// </summary>
public sealed class DeviceIssuer(IRoostStore store, DeviceKeys deviceKeys, TimeProvider time)
{
    public async Task<Outcome<SignIn>> IssueAsync(Account account, string? deviceName, string? platform, string? ip, string verifiedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.DisabledAt is not null)
        {
            return new RoostError(ErrorKind.Forbidden, SessionErrorCodes.AccountDisabled, "This account was disabled by an operator.");
        }

        var token = SessionToken.Create();
        var device = await store.Devices.CreateAsync(
            new NewDevice(
                account.Id,
                SessionToken.Hash(token),
                string.IsNullOrWhiteSpace(deviceName) ? "unnamed device" : deviceName,
                string.IsNullOrWhiteSpace(platform) ? "unknown" : platform,
                verifiedBy,
                time.GetStoredNow(),
                ip),
            cancellationToken);

        // Null when the account was deleted while this log-in ran.
        return device is null ? RoostError.InvalidCredentials() : new SignIn(token, device, account) { DeviceKey = deviceKeys.Create(account.Id, account.PasswordHash) };
    }
}
