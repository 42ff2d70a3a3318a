using Roost.Core.RateLimiting;

namespace Roost.Core.Sessions;

/// <summary>
/// Counts log-in attempts per key. Taking is atomic per key, so parallel guesses cannot slip past a limit. Kept in
/// the store (<see cref="StoreLoginAttemptCounter"/>), so a restart does not lift a lockout and every node on one
/// database sees the same counts.
/// </summary>
public interface ILoginAttemptCounter
{
    /// <summary>Takes one attempt from <paramref name="key"/>'s window; not allowed, with the wait, when none is left.</summary>
    Task<AttemptTake> TryTakeAsync(string key, AttemptWindow limit, CancellationToken cancellationToken);
}

/// <param name="PerAccountAndNetwork">The strict limit: one account from one network (IPv4 address or IPv6 /64).</param>
/// <param name="PerAccount">The ceiling across every network, against guessing spread over many addresses.</param>
/// <param name="PerDeviceKey">Attempts with one valid device key, so a stolen key cannot be used to guess the password.</param>
public sealed record LoginLockoutLimits(AttemptWindow PerAccountAndNetwork, AttemptWindow PerAccount, AttemptWindow PerDeviceKey);

public enum LoginAdmissionKind
{
    /// <summary>Within every limit: check the password as usual.</summary>
    Open,

    /// <summary>A valid device key of this account: counted against the key only, never locked out by others' guesses.</summary>
    KnownDevice,

    /// <summary>
    /// The account's ceiling is used up (guessing from many networks). The password is still checked; the attempt
    /// counted against this network's limit (the full ceiling does not grow). Only an account with two-factor
    /// authentication gets on (to its challenge), anything else is answered as refused.
    /// </summary>
    SecondFactorOnly,

    /// <summary>This account from this network is locked out: refused without checking the password.</summary>
    Refused,
}

public sealed record LoginAdmission(LoginAdmissionKind Kind, TimeSpan RetryAfter)
{
    public static readonly LoginAdmission Open = new(LoginAdmissionKind.Open, TimeSpan.Zero);

    public static readonly LoginAdmission KnownDevice = new(LoginAdmissionKind.KnownDevice, TimeSpan.Zero);
}

/// <summary>
/// Who may try a password, decided before it is checked. Keyed by username whether or not it exists, so the answer
/// reveals nothing. The strict limit is per (account, network): a guesser locks out only their own network, not the
/// owner elsewhere. A device that signed in before (its device key) is not held by either limit, only by its own.
/// </summary>
public sealed class LoginLockout(ILoginAttemptCounter counter, LoginLockoutLimits limits)
{
    /// <param name="deviceKeyId">The id of a device key already verified for this account, or null.</param>
    public async Task<LoginAdmission> AdmitAsync(string normalizedUsername, string network, string? deviceKeyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(normalizedUsername);
        ArgumentNullException.ThrowIfNull(network);

        // A key past its own limit is treated as no key: the caller falls back to the ordinary limits.
        if (deviceKeyId is not null && (await counter.TryTakeAsync("device:" + deviceKeyId, limits.PerDeviceKey, cancellationToken)).Allowed)
        {
            return LoginAdmission.KnownDevice;
        }

        var fromNetwork = await counter.TryTakeAsync("network:" + network + "|" + normalizedUsername, limits.PerAccountAndNetwork, cancellationToken);
        if (!fromNetwork.Allowed)
        {
            return new LoginAdmission(LoginAdmissionKind.Refused, fromNetwork.RetryAfter);
        }

        var anywhere = await counter.TryTakeAsync("account:" + normalizedUsername, limits.PerAccount, cancellationToken);
        return anywhere.Allowed ? LoginAdmission.Open : new LoginAdmission(LoginAdmissionKind.SecondFactorOnly, anywhere.RetryAfter);
    }
}
