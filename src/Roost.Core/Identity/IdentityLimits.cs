namespace Roost.Core.Identity;

/// <summary>The limits of one-time codes and two-factor log-ins; bound from <c>Roost:Identity</c>.</summary>
public sealed record IdentityLimits
{
    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public int CodeMaxAttempts { get; init; } = 5;

    public SendThrottle SendsPerNumber { get; init; } = new(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    public SendThrottle SendsPerIp { get; init; } = new(10, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    public TimeSpan ChallengeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public int ChallengeMaxAttempts { get; init; } = 5;

    public string TotpIssuer { get; init; } = "Roost";
}

public static class IdentityErrorCodes
{
    public const string InvalidCode = "invalid_code";
    public const string PhoneInUse = "phone_in_use";
    public const string PhoneRequired = "phone_required";
    public const string SmsUnavailable = "sms_unavailable";
    public const string TwoFactorRequired = "two_factor_required";
    public const string TwoFactorNotEnabled = "two_factor_not_enabled";
    public const string ChallengeInvalid = "challenge_invalid";
    public const string TotpAlreadyEnabled = "totp_already_enabled";
    public const string TotpNotPending = "totp_not_pending";
    public const string PasswordRequired = "password_required";
}
