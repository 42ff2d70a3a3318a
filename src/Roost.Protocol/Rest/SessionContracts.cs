namespace Roost.Protocol.Rest;

/// <summary>
/// POST /v1/sessions. <see cref="DeviceKey"/>: the device key an earlier log-in on this device returned; with it the
/// log-in is not locked out by other people's wrong passwords.
/// </summary>
public sealed record LoginRequest(string? Username, string? Password, string? DeviceName = null, string? Platform = null, string? DeviceKey = null);

/// <summary>
/// A log-in answer. Either <see cref="Token"/> (shown once; the server keeps only its hash) with <see cref="DeviceId"/>,
/// or, for an account with two-factor authentication, <see cref="SecondFactor"/>: complete it at POST /v1/sessions/second-factor.
/// <see cref="UsernameRequired"/>: a phone sign-up made a new account with a generated username; pick one.
/// <see cref="DeviceKey"/> (with a token): keep it on this device and send it on its later log-ins.
/// </summary>
public sealed record LoginResponse(
    string? Token,
    long AccountId,
    long? DeviceId,
    string Username,
    SecondFactorResponse? SecondFactor = null,
    bool UsernameRequired = false,
    string? DeviceKey = null);

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
