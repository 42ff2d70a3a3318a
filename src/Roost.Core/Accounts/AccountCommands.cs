using Roost.Core.Sessions;

namespace Roost.Core.Accounts;

public sealed record Registration(string? Username, string? Password, string? DisplayName);

/// <param name="ClientIp">The full address, recorded on the device.</param>
/// <param name="Network">The address as rate limits key it (an IPv4 address or an IPv6 /64).</param>
/// <param name="DeviceKey">The device key an earlier log-in from this device returned, if any.</param>
public sealed record LoginAttempt(string? Username, string? Password, string? DeviceName, string? Platform, string? ClientIp, string Network = "unknown", string? DeviceKey = null);

/// <summary>
/// The outcome of a first factor: either a session (the token is shown once and never stored) or, for an account with
/// two-factor authentication, a challenge to complete with a second factor.
/// </summary>
public sealed record SignIn(string? Token, Device? Device, Account Account, SecondFactorChallenge? Challenge = null, bool UsernameRequired = false)
{
    /// <summary>With a session: the device key to send on this device's later log-ins.</summary>
    public string? DeviceKey { get; init; }
}

/// <summary>A pending log-in: <see cref="Token"/> names it in the second step; <see cref="Methods"/> are the factors that can complete it.</summary>
public sealed record SecondFactorChallenge(string Token, IReadOnlyList<string> Methods, DateTimeOffset ExpiresAt);
