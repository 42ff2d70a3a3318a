namespace Roost.Protocol.Rest;

/// <summary>POST /v1/sessions</summary>
public sealed record LoginRequest(string? Username, string? Password, string? DeviceName = null, string? Platform = null);

/// <summary>
/// A log-in answer. Either <see cref="Token"/> (shown once; the server keeps only its hash) with <see cref="DeviceId"/>,
/// or, for an account with two-factor authentication, <see cref="SecondFactor"/>: complete it at POST /v1/sessions/second-factor.
/// <see cref="UsernameRequired"/>: a phone sign-up made a new account with a generated username; pick one.
/// </summary>
public sealed record LoginResponse(
    string? Token,
    long AccountId,
    long? DeviceId,
    string Username,
    SecondFactorResponse? SecondFactor = null,
    bool UsernameRequired = false);

/// <summary>A pending log-in: send <see cref="Challenge"/> back with a code of one of <see cref="Methods"/> (totp, sms, recovery_code).</summary>
public sealed record SecondFactorResponse(string Challenge, IReadOnlyList<string> Methods, DateTimeOffset ExpiresAt);

/// <summary>POST /v1/sessions/second-factor</summary>
public sealed record SecondFactorRequest(string? Challenge, string? Method, string? Code);

/// <summary>POST /v1/sessions/second-factor/sms</summary>
public sealed record ChallengeRequest(string? Challenge);

public sealed record DeviceResponse(
    long Id,
    string Name,
    string Platform,
    string VerifiedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    string? LastIp,
    bool Current);

public sealed record DeviceListResponse(IReadOnlyList<DeviceResponse> Devices);
