using Roost.Core.Sessions;

namespace Roost.Core.Accounts;

public sealed record Registration(string? Username, string? Password, string? DisplayName);

public sealed record LoginAttempt(string? Username, string? Password, string? DeviceName, string? Platform, string? ClientIp);

/// <summary>A successful log-in: the token is shown to the client once and never stored.</summary>
public sealed record SignIn(string Token, Device Device, Account Account);
