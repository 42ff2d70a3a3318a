using Roost.Core.Accounts;

namespace Roost.Core.Identity;

public sealed record TwoFactorState(byte[]? ProtectedTotpSecret, bool TotpConfirmed, long TotpLastStep, bool SmsEnabled, int RecoveryCodesLeft)
{
    public static readonly TwoFactorState None = new(null, false, 0, false, 0);

    public bool IsEnabled => TotpConfirmed || SmsEnabled;
}

/// <summary>
/// A code to store. <paramref name="Budget"/> keys the per-number sending limit (purpose and number, so one purpose
/// cannot exhaust another's). <paramref name="Country"/>: the region whose hourly budget the send counts against.
/// <paramref name="RetireAllPurposes"/>: the provider checks codes per number only (Twilio
/// Verify), so a new code retires live codes of every purpose and inherits their attempts.
/// </summary>
public sealed record NewCode(string Purpose, string Target, string Budget, string Country, byte[] CodeHash, string Ip, DateTimeOffset ExpiresAt, DateTimeOffset Now, bool RetireAllPurposes);

/// <summary>A code stored and its send recorded (<see cref="SendId"/>), or refused with how long to wait.</summary>
public sealed record CodeSend(long SendId, TimeSpan? RetryAfter)
{
    public static CodeSend Refused(TimeSpan retryAfter) => new(0, retryAfter);
}

/// <summary>An active one-time code whose attempt was just counted.</summary>
public sealed record CodeAttempt(long Id, byte[] CodeHash);

public sealed record LoginChallenge(long AccountId, string FirstFactor, string DeviceName, string Platform, string? Ip, DateTimeOffset ExpiresAt);

/// <summary>Phone numbers, one-time codes, second factors and pending log-ins. Attempt counters change atomically with their checks.</summary>
public interface IIdentityStore
{
    Task<Account?> FindByPhoneAsync(string phone, CancellationToken cancellationToken);

    /// <summary>Sets the account's verified number; false when another account holds it.</summary>
    Task<bool> SetPhoneAsync(long accountId, string phone, CancellationToken cancellationToken);

    /// <summary>Creates an account that signs in by phone (no password yet).</summary>
    Task<Account?> CreatePhoneAccountAsync(NewAccount account, string phone, CancellationToken cancellationToken);

    /// <summary>False when the normalized username is taken.</summary>
    Task<bool> SetUsernameAsync(long accountId, string username, string normalizedUsername, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: checks the sending limits (per budget key, per IP, the country's hourly budget and the
    /// hourly budget of all countries together) and, when they allow, stores the new code, retires earlier live ones
    /// and records the send with its country.
    /// </summary>
    Task<CodeSend> CreateCodeAsync(NewCode code, SendThrottle perBudget, SendThrottle perIp, CountryBudget perCountry, CountryBudget total, CancellationToken cancellationToken);

    /// <summary>The send certainly did not go out (the provider refused it): it stops counting against its country's budget and the total.</summary>
    Task ReleaseCountrySendAsync(long sendId, CancellationToken cancellationToken);

    /// <summary>Counts an attempt against the newest live code; null when there is none, it expired, or its attempts are used up.</summary>
    Task<CodeAttempt?> CountCodeAttemptAsync(string purpose, string target, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the code used; false when it already was (a parallel request won): only one caller may accept a code.</summary>
    Task<bool> MarkCodeUsedAsync(long codeId, CancellationToken cancellationToken);

    Task<TwoFactorState> GetTwoFactorAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Stores a new, unconfirmed TOTP secret (replacing an unconfirmed one); false when TOTP is already confirmed.</summary>
    Task<bool> SetPendingTotpAsync(long accountId, byte[] protectedSecret, CancellationToken cancellationToken);

    Task ConfirmTotpAsync(long accountId, long timeStep, CancellationToken cancellationToken);

    /// <summary>Records a TOTP step as used; false when it (or a later one) already was: each code works once.</summary>
    Task<bool> UseTotpStepAsync(long accountId, long timeStep, CancellationToken cancellationToken);

    Task SetSmsFactorAsync(long accountId, bool enabled, CancellationToken cancellationToken);

    /// <summary>Replaces every recovery code of the account.</summary>
    Task ReplaceRecoveryCodesAsync(long accountId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken);

    /// <summary>Uses an unused recovery code; false when there is none with that hash.</summary>
    Task<bool> UseRecoveryCodeAsync(long accountId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Turns every second factor off and deletes the recovery codes.</summary>
    Task DisableTwoFactorAsync(long accountId, CancellationToken cancellationToken);

    Task CreateChallengeAsync(byte[] tokenHash, LoginChallenge challenge, CancellationToken cancellationToken);

    /// <summary>Counts an attempt on a live challenge; null when it does not exist, expired, or used up its attempts.</summary>
    Task<LoginChallenge?> CountChallengeAttemptAsync(byte[] tokenHash, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A live challenge, without counting an attempt; null when unknown or expired.</summary>
    Task<LoginChallenge?> FindChallengeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the challenge; false when it was already gone (completed by a parallel request).</summary>
    Task<bool> DeleteChallengeAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
