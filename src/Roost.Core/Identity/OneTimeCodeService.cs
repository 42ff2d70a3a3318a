using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Identity;

/// <summary>
/// Sends six-digit codes by SMS and checks them: they expire (5 minutes), allow 5 attempts (counted before checking,
/// so the sixth fails even when right), and work once. Sending is limited per number, per client IP and per country
/// (<see cref="SmsNumberPolicy"/>), and only to numbers the policy accepts.
/// </summary>
public sealed class OneTimeCodeService(IRoostStore store, ISmsCodeChannel channel, SecretProtector protector, SmsNumberPolicy numbers, IdentityLimits limits, TimeProvider time)
{
    /// <summary>Sends a new code for <paramref name="purpose"/> to <paramref name="phone"/> (normalized); returns when it expires.</summary>
    public async Task<Outcome<DateTimeOffset>> SendAsync(string purpose, string phone, string clientIp, CancellationToken cancellationToken)
    {
        // Checked here too, not only where a number is typed in: a stored number (2FA) may be in a country since denied.
        var destination = numbers.Check(phone);
        if (!destination.IsSuccess)
        {
            return destination.Error;
        }

        var now = time.GetStoredNow();
        var code = channel.ProviderChecksCodes ? null : OneTimeCodes.NewNumericCode();
        var expiresAt = now + limits.CodeLifetime;
        var hash = code is null ? [] : OneTimeCodes.Hash(protector.CodeKey, purpose, code);

        // Each purpose has its own per-number budget, so anonymous sign-in requests cannot use up a user's 2FA codes.
        // Sent to, stored and budgeted by its E.164 form: spellings of one number share its per-number budget.
        var (normalized, country) = destination.Value;
        var send = await store.Identity.CreateCodeAsync(
            new NewCode(purpose, normalized, purpose + "|" + normalized, country, hash, clientIp, expiresAt, now, RetireAllPurposes: channel.ProviderChecksCodes),
            limits.SendsPerNumber,
            limits.SendsPerIp,
            numbers.BudgetFor(country),
            numbers.TotalBudget,
            cancellationToken);
        if (send.RetryAfter is { } retryAfter)
        {
            return RoostError.RateLimited(retryAfter, "Too many codes were sent. Try again later.");
        }

        try
        {
            await channel.SendCodeAsync(normalized, code, cancellationToken);
        }
        catch (SmsDeliveryException exception)
        {
            // The country's budget counts codes that may have gone out (and been billed): only a send the provider
            // certainly did not take gives its slot back. Per-number and per-IP limits count the try either way.
            if (exception.NothingSent)
            {
                await store.Identity.ReleaseCountrySendAsync(send.SendId, CancellationToken.None);
            }

            return exception.IsClientError ? RoostError.Validation("phone", "The SMS provider refused this number.") : Unavailable();
        }

        return expiresAt;
    }

    /// <summary>
    /// True when <paramref name="code"/> is the live code for this purpose and number; the code is then used up. The
    /// attempt is counted first, and only one caller can use a code, however many try it at once.
    /// </summary>
    public async Task<Outcome<bool>> VerifyAsync(string purpose, string phone, string? code, CancellationToken cancellationToken)
    {
        // The same E.164 form the code was stored under (a number that does not parse has no code).
        phone = PhoneNumber.TryParse(phone, out var parsed) ? parsed.E164 : phone;
        var attempt = await store.Identity.CountCodeAttemptAsync(purpose, phone, limits.CodeMaxAttempts, time.GetUtcNow(), cancellationToken);
        if (attempt is null || code is null || code.Length != OneTimeCodes.Digits || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        bool right;
        try
        {
            right = channel.ProviderChecksCodes
                ? await channel.CheckCodeAsync(phone, code, cancellationToken)
                : OneTimeCodes.Matches(protector.CodeKey, purpose, code, attempt.CodeHash);
        }
        catch (SmsDeliveryException)
        {
            return Unavailable();
        }

        return right && await store.Identity.MarkCodeUsedAsync(attempt.Id, cancellationToken);
    }

    private static RoostError Unavailable() =>
        new(ErrorKind.Unavailable, IdentityErrorCodes.SmsUnavailable, "SMS cannot be sent or checked right now. Try again in a minute.", RetryAfter: TimeSpan.FromMinutes(1));
}
