using System.Security.Cryptography;
using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Sessions;
using Roost.Core.Storage;

namespace Roost.Core.Identity;

/// <summary>
/// Phone numbers: verifying one for an account, and signing up or in with a number and an SMS code. Answers never
/// say whether a number is registered before the code has proved the caller holds it.
/// </summary>
public sealed class PhoneAuthService(IRoostStore store, SmsNumberPolicy numbers, OneTimeCodeService codes, TwoFactorService twoFactor, IPasswordHasher hasher, TimeProvider time)
{
    private const string SignInPurpose = "phone_signin";

    /// <summary>Sends a sign-in code. The same answer whether or not the number has an account.</summary>
    public async Task<Outcome<DateTimeOffset>> SendSignInCodeAsync(string? phone, string clientIp, CancellationToken cancellationToken)
    {
        var destination = numbers.Check(phone);
        return destination.IsSuccess ? await codes.SendAsync(SignInPurpose, destination.Value.Phone, clientIp, cancellationToken) : destination.Error;
    }

    /// <summary>
    /// Signs in with a number and its code: the account holding the number, or a new one (with a generated username
    /// to replace, <see cref="SignIn.UsernameRequired"/>). An account with TOTP still needs its second factor.
    /// </summary>
    public async Task<Outcome<SignIn>> SignInAsync(string? phone, string? code, string? deviceName, string? platform, string? clientIp, CancellationToken cancellationToken)
    {
        var destination = numbers.Check(phone);
        if (!destination.IsSuccess)
        {
            return destination.Error;
        }

        var normalized = destination.Value.Phone;

        var errors = new FieldErrors();
        errors.AddIfPresent("deviceName", DeviceLabels.ValidateName(deviceName));
        errors.AddIfPresent("platform", DeviceLabels.ValidatePlatform(platform));
        if (errors.Any)
        {
            return errors.ToError();
        }

        var verified = await codes.VerifyAsync(SignInPurpose, normalized, code, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value)
        {
            return InvalidCode();
        }

        var account = await store.Identity.FindByPhoneAsync(normalized, cancellationToken);
        var created = false;
        if (account is null)
        {
            var username = "user_" + Base32.Encode(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
            account = await store.Identity.CreatePhoneAccountAsync(
                new NewAccount(username, username, "", username, time.GetStoredNow()), normalized, cancellationToken);
            if (account is null)
            {
                // Another sign-up took the number between our look-up and insert: that account is the one.
                account = await store.Identity.FindByPhoneAsync(normalized, cancellationToken);
                if (account is null)
                {
                    return InvalidCode();
                }
            }
            else
            {
                created = true;
            }
        }

        var signIn = await twoFactor.ContinueLoginAsync(account, VerificationMethods.Sms, deviceName, platform, clientIp, cancellationToken);
        return signIn.IsSuccess && created ? signIn.Value with { UsernameRequired = true } : signIn;
    }

    /// <summary>Sends a code to a number the caller wants to add to their account.</summary>
    public async Task<Outcome<DateTimeOffset>> SendVerificationCodeAsync(long accountId, string? phone, string clientIp, CancellationToken cancellationToken)
    {
        var destination = numbers.Check(phone);
        return destination.IsSuccess ? await codes.SendAsync(AddPurpose(accountId), destination.Value.Phone, clientIp, cancellationToken) : destination.Error;
    }

    /// <summary>
    /// Adds (or replaces) the number once its code is right, and the account's password confirms it is the owner
    /// asking: a stolen token alone must not be able to move SMS sign-in and SMS 2FA to the thief's phone. A number
    /// verified by another account is refused (after the code proved possession).
    /// </summary>
    public async Task<Outcome<Account>> ConfirmPhoneAsync(long accountId, string? phone, string? code, string? password, CancellationToken cancellationToken)
    {
        var destination = numbers.Check(phone);
        if (!destination.IsSuccess)
        {
            return destination.Error;
        }

        var normalized = destination.Value.Phone;

        var owner = await store.Accounts.FindByIdAsync(accountId, cancellationToken);
        if (owner is null)
        {
            return RoostError.NotFound("The account");
        }

        if (owner.Phone is not null && !owner.HasPassword)
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.PasswordRequired, "Set a password first (PUT /v1/account/password); changing the number needs it.");
        }

        if (owner.HasPassword && (string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength * 2
            || hasher.Verify(password, owner.PasswordHash) == PasswordVerification.Failed))
        {
            return new RoostError(ErrorKind.Forbidden, Errors.ErrorCodes.InvalidCredentials, "The password is incorrect.");
        }

        var verified = await codes.VerifyAsync(AddPurpose(accountId), normalized, code, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        if (!verified.Value)
        {
            return InvalidCode();
        }

        if (!await store.Identity.SetPhoneAsync(accountId, normalized, cancellationToken))
        {
            return new RoostError(ErrorKind.Conflict, IdentityErrorCodes.PhoneInUse, "That number is verified by another account.");
        }

        return await store.Accounts.FindByIdAsync(accountId, cancellationToken) is { } account ? account : RoostError.NotFound("The account");
    }

    private static string AddPurpose(long accountId) => "phone_add:" + accountId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RoostError InvalidCode() =>
        new(ErrorKind.Forbidden, IdentityErrorCodes.InvalidCode, "The code is wrong, expired, already used, or out of attempts.");
}
