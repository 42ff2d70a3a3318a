using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Identity;
using Roost.Core.Sessions;
using Roost.Core.Storage;

namespace Roost.Core.Accounts;

/// <summary>Registration, log-in and the account's own changes. Every method validates its input and returns an <see cref="Outcome{T}"/>.</summary>
public sealed class AccountService(
    IRoostStore store, IPasswordHasher hasher, TwoFactorService twoFactor, LoginLockout lockout, DeviceKeys deviceKeys, TimeProvider time, IConnectionCloser connections)
{
    public async Task<Outcome<Account>> RegisterAsync(Registration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var errors = new FieldErrors();
        errors.AddIfPresent("username", Username.Validate(registration.Username));
        errors.AddIfPresent("password", PasswordPolicy.Validate(registration.Password));
        errors.AddIfPresent("displayName", ProfileRules.ValidateDisplayName(registration.DisplayName));
        if (errors.Any)
        {
            return errors.ToError();
        }

        var username = registration.Username!;
        var created = await store.Accounts.CreateAsync(
            new NewAccount(
                username,
                Username.Normalize(username),
                hasher.Hash(registration.Password!),
                registration.DisplayName ?? username,
                time.GetStoredNow()),
            cancellationToken);

        return created is null
            ? new RoostError(ErrorKind.Conflict, ErrorCodes.UsernameTaken, "That username is taken.")
            : created;
    }

    public async Task<Outcome<SignIn>> LoginAsync(LoginAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(attempt.Username))
        {
            errors.Add("username", "A username is required.");
        }

        if (string.IsNullOrEmpty(attempt.Password))
        {
            errors.Add("password", "A password is required.");
        }
        else if (attempt.Password.Length > PasswordPolicy.MaxLength * 2)
        {
            // Bounds the hashing work an attacker can ask for; no valid password is this long.
            errors.Add("password", $"A password has at most {PasswordPolicy.MaxLength} characters.");
        }

        errors.AddIfPresent("deviceName", DeviceLabels.ValidateName(attempt.DeviceName));
        errors.AddIfPresent("platform", DeviceLabels.ValidatePlatform(attempt.Platform));
        if (errors.Any)
        {
            return errors.ToError();
        }

        var normalized = Username.Validate(attempt.Username) is null ? Username.Normalize(attempt.Username!) : null;
        var account = normalized is null ? null : await store.Accounts.FindByUsernameAsync(normalized, cancellationToken);

        // Decided before the password is checked, so parallel guesses cannot slip past. A name that cannot exist
        // needs no limit: its answer is always the same.
        var admission = normalized is null
            ? LoginAdmission.Open
            : await lockout.AdmitAsync(normalized, attempt.Network, account is null ? null : deviceKeys.Verify(attempt.DeviceKey, account.Id, account.PasswordHash), cancellationToken);
        if (admission.Kind == LoginAdmissionKind.Refused)
        {
            return LockedOut(admission.RetryAfter);
        }

        // While the account's ceiling is used up, a wrong password gets the lockout answer, not invalid_credentials.
        var failed = admission.Kind == LoginAdmissionKind.SecondFactorOnly ? LockedOut(admission.RetryAfter) : RoostError.InvalidCredentials();
        if (account is null || !account.HasPassword)
        {
            // Same cost and answer as a wrong password, so neither tells whether the user exists (or signed up by
            // phone and never set a password).
            hasher.VerifyAgainstDummy(attempt.Password!);
            return failed;
        }

        var verification = hasher.Verify(attempt.Password!, account.PasswordHash);
        if (verification == PasswordVerification.Failed)
        {
            return failed;
        }

        // Past the ceiling only a second factor lets the owner in: the challenge still has to be completed.
        if (admission.Kind == LoginAdmissionKind.SecondFactorOnly && !(await store.Identity.GetTwoFactorAsync(account.Id, cancellationToken)).IsEnabled)
        {
            return failed;
        }

        if (verification == PasswordVerification.SuccessRehashNeeded)
        {
            // The new hash renews device keys too: the key this log-in hands out is made with it.
            var rehashed = hasher.Hash(attempt.Password!);
            await store.Accounts.SetPasswordHashAsync(account.Id, rehashed, cancellationToken);
            account = account with { PasswordHash = rehashed };
        }

        // With two-factor authentication this yields a challenge instead of a session.
        return await twoFactor.ContinueLoginAsync(account, VerificationMethods.Password, attempt.DeviceName, attempt.Platform, attempt.ClientIp, cancellationToken);
    }

    private static RoostError LockedOut(TimeSpan retryAfter) =>
        RoostError.RateLimited(retryAfter, "Too many log-in attempts for this account. Try again later, or sign in from a device that signed in before.");

    /// <summary>Picks a new username (phone sign-ups start with a generated one).</summary>
    public async Task<Outcome<Account>> SetUsernameAsync(long accountId, string? username, CancellationToken cancellationToken)
    {
        if (Username.Validate(username) is { } problem)
        {
            return RoostError.Validation("username", problem);
        }

        if (!await store.Identity.SetUsernameAsync(accountId, username!, Username.Normalize(username!), cancellationToken))
        {
            return new RoostError(ErrorKind.Conflict, ErrorCodes.UsernameTaken, "That username is taken.");
        }

        return await GetAsync(accountId, cancellationToken);
    }

    public async Task<Outcome<Done>> ChangePasswordAsync(
        AuthenticatedDevice caller, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (PasswordPolicy.Validate(newPassword) is { } problem)
        {
            return RoostError.Validation("newPassword", problem);
        }

        var account = await store.Accounts.FindByIdAsync(caller.AccountId, cancellationToken);
        if (account is null)
        {
            return RoostError.NotFound("The account");
        }

        // An account made by phone sign-up has no password yet: its first one needs none.
        if (account.HasPassword)
        {
            if (string.IsNullOrEmpty(currentPassword))
            {
                return RoostError.Validation("currentPassword", "The current password is required.");
            }

            if (currentPassword.Length > PasswordPolicy.MaxLength * 2 || hasher.Verify(currentPassword, account.PasswordHash) == PasswordVerification.Failed)
            {
                return WrongPassword();
            }
        }

        if (!await store.Accounts.ChangePasswordAsync(account.Id, hasher.Hash(newPassword!), caller.DeviceId, cancellationToken))
        {
            return RoostError.NotFound("The account");
        }

        // The store kept only the caller's session; every other device's connections close.
        connections.CloseConnections(account.Id, deviceId: null, exceptDeviceId: caller.DeviceId);
        return Done.Value;
    }

    public async Task<Outcome<Done>> DeleteAsync(AuthenticatedDevice caller, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(password))
        {
            return RoostError.Validation("password", "The password is required.");
        }

        var account = await store.Accounts.FindByIdAsync(caller.AccountId, cancellationToken);
        if (account is null)
        {
            return RoostError.NotFound("The account");
        }

        if (password.Length > PasswordPolicy.MaxLength * 2 || hasher.Verify(password, account.PasswordHash) == PasswordVerification.Failed)
        {
            return WrongPassword();
        }

        await store.Accounts.DeleteAsync(account.Id, time.GetStoredNow(), cancellationToken);
        connections.CloseConnections(account.Id, deviceId: null);
        return Done.Value;
    }

    public async Task<Outcome<Account>> GetAsync(long accountId, CancellationToken cancellationToken) =>
        await store.Accounts.FindByIdAsync(accountId, cancellationToken) is { } account
            ? account
            : RoostError.NotFound("The account");

    public async Task<Outcome<Account>> FindByUsernameAsync(string? username, CancellationToken cancellationToken)
    {
        if (Username.Validate(username) is not null)
        {
            return RoostError.NotFound("The user");
        }

        return await store.Accounts.FindByUsernameAsync(Username.Normalize(username!), cancellationToken) is { } account
            ? account
            : RoostError.NotFound("The user");
    }

    public async Task<Outcome<Account>> UpdateProfileAsync(long accountId, ProfileChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = new FieldErrors();
        errors.AddIfPresent("displayName", ProfileRules.ValidateDisplayName(change.DisplayName));
        errors.AddIfPresent("about", ProfileRules.ValidateAbout(change.About));
        if (errors.Any)
        {
            return errors.ToError();
        }

        return await store.Accounts.UpdateProfileAsync(accountId, change, cancellationToken) is { } account
            ? account
            : RoostError.NotFound("The account");
    }

    private static RoostError WrongPassword() =>
        new(ErrorKind.Forbidden, ErrorCodes.InvalidCredentials, "The password is incorrect.");
}
