using Roost.Core.Sessions;

namespace Roost.Core.Accounts;

public sealed record Registration(string? Username, string? Password, string? DisplayName);

public sealed record LoginAttempt(string? Username, string? Password, string? DeviceName, string? Platform, string? ClientIp);

/// <summary>
/// The outcome of a first factor: either a session (the token is shown once and never stored) or, for an account with
/// two-factor authentication, a challenge to complete with a second factor.
/// </summary>
public sealed record SignIn(string? Token, Device? Device, Account Account, SecondFactorChallenge? Challenge = null, bool UsernameRequired = false);

/// <summary>A pending log-in: <see cref="Token"/> names it in the second step; <see cref="Methods"/> are the factors that can complete it.</summary>
public sealed record SecondFactorChallenge(string Token, IReadOnlyList<string> Methods, DateTimeOffset ExpiresAt);
