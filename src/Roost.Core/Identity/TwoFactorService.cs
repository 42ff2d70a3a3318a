using System.Globalization;
using System.Security.Cryptography;
using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.RateLimiting;
using Roost.Core.Sessions;
using Roost.Core.Storage;

namespace Roost.Core.Identity;

public sealed record TotpEnrolment(string Secret, string OtpAuthUri);

/// <summary>
/// Second factors: TOTP, SMS to the verified number, and single-use recovery codes. Enrolment, the second step of a
/// log-in, and turning 2FA off (which needs the password and a valid code).
/// </summary>
public sealed class TwoFactorService(
    IRoostStore store, IPasswordHasher hasher, SecretProtector protector, OneTimeCodeService codes, DeviceIssuer devices, IdentityLimits limits, TimeProvider time)
{
    private const string LoginSmsPurpose = "login_2fa";
    private const string ManageSmsPurpose = "manage_2fa";

    /// <summary>
    /// Second-factor attempts per account, across every challenge: bounds guessing even with the password known.
    /// Counted in the store before the code is checked (right or wrong), so parallel guesses cannot pass it and a
    /// restart does not reset it.
    /// </summary>
    public static readonly AttemptWindow AttemptsPerAccount = new(10, TimeSpan.FromMinutes(15));

    public Task<TwoFactorState> GetStateAsync(long accountId, CancellationToken cancellationToken) =>
        store.Identity.GetTwoFactorAsync(accountId, cancellationToken);

    /// <summary>Starts TOTP enrolment: a new secret, shown once here and never again. Confirmed by <see cref="ConfirmTotpAsync"/>.</summary>
    public async Task<Outcome<TotpEnrolment>> BeginTotpAsync(long accountId, string? password, CancellationToken cancellationToken)
    {
        var account = await CheckPasswordAsync(accountId, password, cancellationToken);
        if (!account.IsSuccess)
        {
            return account.Error;
        }

        var secret = RandomNumberGenerator.GetBytes(Totp.SecretBytes);
        if (!await store.Identity.SetPendingTotpAsync(accountId, protector.Protect(secret, accountId), cancellationToken))
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.TotpAlreadyEnabled, "TOTP is already on. Turn two-factor authentication off first to enrol a new authenticator.");
        }

        return new TotpEnrolment(Base32.Encode(secret), Totp.EnrolmentUri(limits.TotpIssuer, account.Value.Username, secret));
    }

    /// <summary>Turns TOTP on with the first valid code. Returns new recovery codes when this is the account's first second factor.</summary>
    public async Task<Outcome<IReadOnlyList<string>>> ConfirmTotpAsync(long accountId, string? code, CancellationToken cancellationToken)
    {
        var state = await store.Identity.GetTwoFactorAsync(accountId, cancellationToken);
        if (state.ProtectedTotpSecret is null || state.TotpConfirmed)
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.TotpNotPending, "Start TOTP enrolment first.");
        }

        var secret = Unprotect(state.ProtectedTotpSecret, accountId);
        var step = secret is null ? null : Totp.Verify(secret, code, time.GetUtcNow(), 0);
        if (step is null)
        {
            return InvalidCode();
        }

        await store.Identity.ConfirmTotpAsync(accountId, step.Value, cancellationToken);
        return await IssueRecoveryCodesIfNoneAsync(accountId, state, cancellationToken);
    }

    /// <summary>Turns SMS as a second factor on, for an account with a verified number.</summary>
    public async Task<Outcome<IReadOnlyList<string>>> EnableSmsAsync(long accountId, string? password, CancellationToken cancellationToken)
    {
        var account = await CheckPasswordAsync(accountId, password, cancellationToken);
        if (!account.IsSuccess)
        {
            return account.Error;
        }

        if (account.Value.Phone is null)
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.PhoneRequired, "Verify a phone number first.");
        }

        var state = await store.Identity.GetTwoFactorAsync(accountId, cancellationToken);
        await store.Identity.SetSmsFactorAsync(accountId, true, cancellationToken);
        return await IssueRecoveryCodesIfNoneAsync(accountId, state, cancellationToken);
    }

    /// <summary>Ten new recovery codes; the old set stops working.</summary>
    public async Task<Outcome<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(long accountId, string? password, CancellationToken cancellationToken)
    {
        var account = await CheckPasswordAsync(accountId, password, cancellationToken);
        if (!account.IsSuccess)
        {
            return account.Error;
        }

        var state = await store.Identity.GetTwoFactorAsync(accountId, cancellationToken);
        return state.IsEnabled ? await ReplaceRecoveryCodesAsync(accountId, cancellationToken) : NotEnabled();
    }

    /// <summary>Sends an SMS code for managing 2FA (for example, to turn it off with the SMS factor).</summary>
    public async Task<Outcome<DateTimeOffset>> SendManagementCodeAsync(long accountId, string clientIp, CancellationToken cancellationToken)
    {
        var account = await store.Accounts.FindByIdAsync(accountId, cancellationToken);
        var state = await store.Identity.GetTwoFactorAsync(accountId, cancellationToken);
        return account?.Phone is { } phone && state.SmsEnabled
            ? await codes.SendAsync(ManageSmsPurpose, phone, clientIp, cancellationToken)
            : new RoostError(ErrorKind.Conflict, IdentityErrorCodes.PhoneRequired, "SMS is not a second factor of this account.");
    }

    /// <summary>Turns every second factor off; needs the password and a valid code of any enabled method.</summary>
    public async Task<Outcome<Done>> DisableAsync(long accountId, string? password, string? method, string? code, CancellationToken cancellationToken)
    {
        var account = await CheckPasswordAsync(accountId, password, cancellationToken);
        if (!account.IsSuccess)
        {
            return account.Error;
        }

        var state = await store.Identity.GetTwoFactorAsync(accountId, cancellationToken);
        if (!state.IsEnabled)
        {
            return NotEnabled();
        }

        var verified = await VerifyFactorAsync(account.Value, state, method, code, ManageSmsPurpose, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value)
        {
            return InvalidCode();
        }

        await store.Identity.DisableTwoFactorAsync(accountId, cancellationToken);
        return Done.Value;
    }

    /// <summary>The methods that can complete a log-in of this account after <paramref name="firstFactor"/>.</summary>
    public static IReadOnlyList<string> MethodsFor(Account account, TwoFactorState state, string firstFactor)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(state);
        var methods = new List<string>(3);
        if (state.TotpConfirmed)
        {
            methods.Add(VerificationMethods.Totp);
        }

        if (state.SmsEnabled && account.Phone is not null && firstFactor != VerificationMethods.Sms)
        {
            methods.Add(VerificationMethods.Sms);
        }

        if (state.RecoveryCodesLeft > 0)
        {
            methods.Add(VerificationMethods.RecoveryCode);
        }

        return methods;
    }

    /// <summary>After a first factor: a session when the account has no usable second factor, else a challenge.</summary>
    public async Task<Outcome<SignIn>> ContinueLoginAsync(Account account, string firstFactor, string? deviceName, string? platform, string? ip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var state = await store.Identity.GetTwoFactorAsync(account.Id, cancellationToken);
        if (!state.IsEnabled)
        {
            return await devices.IssueAsync(account, deviceName, platform, ip, firstFactor, cancellationToken);
        }

        var methods = MethodsFor(account, state, firstFactor);
        if (methods.Count == 0)
        {
            // 2FA is on but nothing can complete it after this first factor (say, SMS sign-in to an account whose only
            // second factor is that SMS, with its recovery codes used up): never a session on one factor.
            return new RoostError(ErrorKind.Forbidden, IdentityErrorCodes.TwoFactorRequired, "This account needs a second factor that this way of signing in cannot offer. Log in with the password.");
        }

        var token = SessionToken.Create();
        var expiresAt = time.GetStoredNow() + limits.ChallengeLifetime;
        await store.Identity.CreateChallengeAsync(
            SessionToken.Hash(token),
            new LoginChallenge(account.Id, firstFactor, deviceName ?? "", platform ?? "", ip, expiresAt),
            cancellationToken);
        return new SignIn(null, null, account, new SecondFactorChallenge(token, methods, expiresAt));
    }

    /// <summary>Sends the SMS code that completes a challenge.</summary>
    public async Task<Outcome<DateTimeOffset>> SendChallengeCodeAsync(string? challengeToken, string clientIp, CancellationToken cancellationToken)
    {
        var (challenge, account, state) = await LoadChallengeAsync(challengeToken, countAttempt: false, cancellationToken);
        if (challenge is null || account is null || !MethodsFor(account, state!, challenge.FirstFactor).Contains(VerificationMethods.Sms))
        {
            return ChallengeInvalid();
        }

        return await codes.SendAsync(LoginSmsPurpose, account.Phone!, clientIp, cancellationToken);
    }

    /// <summary>Completes a challenge with a second factor; at most five attempts per challenge.</summary>
    public async Task<Outcome<SignIn>> CompleteChallengeAsync(string? challengeToken, string? method, string? code, CancellationToken cancellationToken)
    {
        var (challenge, account, state) = await LoadChallengeAsync(challengeToken, countAttempt: true, cancellationToken);
        if (challenge is null || account is null)
        {
            return ChallengeInvalid();
        }

        if (method is null || !MethodsFor(account, state!, challenge.FirstFactor).Contains(method))
        {
            return RoostError.Validation("method", "method is one of the challenge's methods.");
        }

        var take = await store.Counters.TryTakeAsync("second-factor:" + account.Id.ToString(CultureInfo.InvariantCulture), AttemptsPerAccount, time.GetStoredNow(), cancellationToken);
        if (!take.Allowed)
        {
            return RoostError.RateLimited(take.RetryAfter, "Too many second-factor attempts for this account. Try again later.");
        }

        var verified = await VerifyFactorAsync(account, state!, method, code, LoginSmsPurpose, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value)
        {
            return InvalidCode();
        }

        // Only the request that removes the challenge gets the session: a parallel completion gets nothing.
        if (!await store.Identity.DeleteChallengeAsync(SessionToken.Hash(challengeToken!), cancellationToken))
        {
            return ChallengeInvalid();
        }

        return await devices.IssueAsync(
            account,
            challenge.DeviceName,
            challenge.Platform,
            challenge.Ip,
            VerificationMethods.Combine(challenge.FirstFactor, method),
            cancellationToken);
    }

    private async Task<(LoginChallenge? Challenge, Account? Account, TwoFactorState? State)> LoadChallengeAsync(string? challengeToken, bool countAttempt, CancellationToken cancellationToken)
    {
        if (!SessionToken.IsWellFormed(challengeToken))
        {
            return (null, null, null);
        }

        // A completion uses one of the challenge's attempts; sending its SMS code does not.
        var hash = SessionToken.Hash(challengeToken!);
        var challenge = countAttempt
            ? await store.Identity.CountChallengeAttemptAsync(hash, limits.ChallengeMaxAttempts, time.GetUtcNow(), cancellationToken)
            : await store.Identity.FindChallengeAsync(hash, time.GetUtcNow(), cancellationToken);
        if (challenge is null)
        {
            return (null, null, null);
        }

        var account = await store.Accounts.FindByIdAsync(challenge.AccountId, cancellationToken);
        var state = account is null ? null : await store.Identity.GetTwoFactorAsync(account.Id, cancellationToken);
        return (challenge, account, state);
    }

    private async Task<Outcome<bool>> VerifyFactorAsync(Account account, TwoFactorState state, string? method, string? code, string smsPurpose, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case VerificationMethods.Totp when state.TotpConfirmed && state.ProtectedTotpSecret is not null:
                var secret = Unprotect(state.ProtectedTotpSecret, account.Id);
                var step = secret is null ? null : Totp.Verify(secret, code, time.GetUtcNow(), state.TotpLastStep);
                return step is not null && await store.Identity.UseTotpStepAsync(account.Id, step.Value, cancellationToken);
            case VerificationMethods.Sms when state.SmsEnabled && account.Phone is not null:
                return await codes.VerifyAsync(smsPurpose, account.Phone, code, cancellationToken);
            case VerificationMethods.RecoveryCode when code is { Length: > 0 and <= 64 }:
                var hash = OneTimeCodes.Hash(protector.CodeKey, "recovery", OneTimeCodes.NormalizeRecoveryCode(code));
                return await store.Identity.UseRecoveryCodeAsync(account.Id, hash, time.GetStoredNow(), cancellationToken);
            default:
                return false;
        }
    }

    /// <summary>The TOTP secret, or null when it cannot be read (the encryption key changed): then no TOTP code is valid.</summary>
    private byte[]? Unprotect(byte[] protectedSecret, long accountId)
    {
        try
        {
            return protector.Unprotect(protectedSecret, accountId);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private async Task<Outcome<IReadOnlyList<string>>> IssueRecoveryCodesIfNoneAsync(long accountId, TwoFactorState before, CancellationToken cancellationToken) =>
        before.IsEnabled && before.RecoveryCodesLeft > 0
            ? Outcome<IReadOnlyList<string>>.Success([])
            : await ReplaceRecoveryCodesAsync(accountId, cancellationToken);

    private async Task<Outcome<IReadOnlyList<string>>> ReplaceRecoveryCodesAsync(long accountId, CancellationToken cancellationToken)
    {
        var fresh = OneTimeCodes.NewRecoveryCodes();
        await store.Identity.ReplaceRecoveryCodesAsync(
            accountId,
            fresh.Select(c => OneTimeCodes.Hash(protector.CodeKey, "recovery", OneTimeCodes.NormalizeRecoveryCode(c))).ToList(),
            cancellationToken);
        return Outcome<IReadOnlyList<string>>.Success(fresh);
    }

    private async Task<Outcome<Account>> CheckPasswordAsync(long accountId, string? password, CancellationToken cancellationToken)
    {
        var account = await store.Accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null)
        {
            return RoostError.NotFound("The account");
        }

        if (!account.HasPassword)
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.PasswordRequired, "Set a password first (PUT /v1/account/password).");
        }

        if (string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength * 2
            || hasher.Verify(password, account.PasswordHash) == PasswordVerification.Failed)
        {
            return new RoostError(ErrorKind.Forbidden, ErrorCodes.InvalidCredentials, "The password is incorrect.");
        }

        return account;
    }

    private static RoostError InvalidCode() =>
        new(ErrorKind.Forbidden, IdentityErrorCodes.InvalidCode, "The code is wrong, expired, already used, or out of attempts.");

    private static RoostError NotEnabled() =>
        new(ErrorKind.Conflict, IdentityErrorCodes.TwoFactorNotEnabled, "Two-factor authentication is not on.");

    private static RoostError ChallengeInvalid() =>
        new(ErrorKind.Unauthorized, IdentityErrorCodes.ChallengeInvalid, "The log-in challenge is unknown, expired or out of attempts. Log in again.");
}
