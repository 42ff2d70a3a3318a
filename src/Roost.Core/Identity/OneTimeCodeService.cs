using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Identity;

/// <summary>
/// Sends six-digit codes by SMS and checks them: they expire (5 minutes), allow 5 attempts (counted before checking,
/// so the sixth fails even when right), and work once. Sending is limited per number and per client IP.
/// </summary>
public sealed class OneTimeCodeService(IRoostStore store, ISmsCodeChannel channel, SecretProtector protector, IdentityLimits limits, TimeProvider time)
{
    /// <summary>Sends a new code for <paramref name="purpose"/> to <paramref name="phone"/> (normalized); returns when it expires.</summary>
    public async Task<Outcome<DateTimeOffset>> SendAsync(string purpose, string phone, string clientIp, CancellationToken cancellationToken)
    {
        var now = time.GetStoredNow();
        var since = now - SendThrottle.Memory;
        var wait = Longest(
            limits.SendsPerNumber.RetryAfter(await store.Identity.GetSendsToAsync(phone, since, cancellationToken), now),
            limits.SendsPerIp.RetryAfter(await store.Identity.GetSendsFromAsync(clientIp, since, cancellationToken), now));
        if (wait is { } retryAfter)
        {
            return RoostError.RateLimited(retryAfter, "Too many codes were sent. Try again later.");
        }

        var code = channel.ProviderChecksCodes ? null : OneTimeCodes.NewNumericCode();
        var expiresAt = now + limits.CodeLifetime;
        var hash = code is null ? [] : OneTimeCodes.Hash(protector.CodeKey, purpose, code);
        await store.Identity.CreateCodeAsync(purpose, phone, hash, clientIp, expiresAt, now, cancellationToken);
        try
        {
            await channel.SendCodeAsync(phone, code, cancellationToken);
        }
        catch (SmsDeliveryException exception)
        {
            return exception.IsClientError
                ? RoostError.Validation("phone", "The SMS provider refused this number.")
                : new RoostError(ErrorKind.Unavailable, IdentityErrorCodes.SmsUnavailable, "SMS cannot be sent right now. Try again in a minute.", RetryAfter: TimeSpan.FromMinutes(1));
        }

        return expiresAt;
    }

    /// <summary>True when <paramref name="code"/> is the live code for this purpose and number; the code is then used up.</summary>
    public async Task<bool> VerifyAsync(string purpose, string phone, string? code, CancellationToken cancellationToken)
    {
        if (code is null || code.Length != OneTimeCodes.Digits || !code.All(char.IsAsciiDigit))
        {
            // Still counts: a malformed guess is a guess.
            await store.Identity.CountCodeAttemptAsync(purpose, phone, limits.CodeMaxAttempts, time.GetUtcNow(), cancellationToken);
            return false;
        }

        var attempt = await store.Identity.CountCodeAttemptAsync(purpose, phone, limits.CodeMaxAttempts, time.GetUtcNow(), cancellationToken);
        if (attempt is null)
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
            return false;
        }

        if (right)
        {
            await store.Identity.MarkCodeUsedAsync(attempt.Id, cancellationToken);
        }

        return right;
    }

    private static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
