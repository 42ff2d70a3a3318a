namespace Roost.Core.Sessions;

/// <summary>A signed-in device: one bearer token, identified by its SHA-256 only.</summary>
public sealed record Device(
    long Id,
    long AccountId,
    string Name,
    string Platform,
    string VerifiedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    string? LastIp);

public sealed record NewDevice(
    long AccountId,
    byte[] TokenHash,
    string Name,
    string Platform,
    string VerifiedBy,
    DateTimeOffset CreatedAt,
    string? Ip);

/// <summary>Who a valid token speaks for.</summary>
public sealed record AuthenticatedDevice(
    long AccountId,
    long DeviceId,
    string Username,
    DateTimeOffset LastSeenAt,
    string? LastIp);

/// <summary>How a session was verified; later factors (TOTP, SMS) add values.</summary>
public static class VerificationMethods
{
    public const string Password = "password";
    public const string Sms = "sms";
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery_code";

    /// <summary>How a session with a second factor was verified, for example <c>password+totp</c>.</summary>
    public static string Combine(string first, string second) => first + "+" + second;
}
