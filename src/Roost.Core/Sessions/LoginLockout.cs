namespace Roost.Core.Sessions;

/// <summary>At most <paramref name="PermitLimit"/> attempts per fixed <paramref name="Window"/>.</summary>
public sealed record AttemptWindow(int PermitLimit, TimeSpan Window);

/// <summary>
/// Counts log-in attempts per key. Taking is atomic per key, so parallel guesses cannot slip past a limit. Kept in
/// memory for now (<see cref="InMemoryLoginAttemptCounter"/>); a store-backed counter can replace it.
/// </summary>
public interface ILoginAttemptCounter
{
    /// <summary>Takes one attempt from <paramref name="key"/>'s window; false, with the wait, when none is left.</summary>
    bool TryTake(string key, AttemptWindow limit, out TimeSpan retryAfter);
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
    public LoginAdmission Admit(string normalizedUsername, string network, string? deviceKeyId)
    {
        ArgumentNullException.ThrowIfNull(normalizedUsername);
        ArgumentNullException.ThrowIfNull(network);

        // A key past its own limit is treated as no key: the caller falls back to the ordinary limits.
        if (deviceKeyId is not null && counter.TryTake("device:" + deviceKeyId, limits.PerDeviceKey, out _))
        {
            return LoginAdmission.KnownDevice;
        }

        if (!counter.TryTake("network:" + network + "|" + normalizedUsername, limits.PerAccountAndNetwork, out var networkWait))
        {
            return new LoginAdmission(LoginAdmissionKind.Refused, networkWait);
        }

        return counter.TryTake("account:" + normalizedUsername, limits.PerAccount, out var accountWait)
            ? LoginAdmission.Open
            : new LoginAdmission(LoginAdmissionKind.SecondFactorOnly, accountWait);
    }
}
