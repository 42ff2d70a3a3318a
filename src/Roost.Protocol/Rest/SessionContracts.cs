namespace Roost.Protocol.Rest;

/// <summary>POST /v1/sessions</summary>
public sealed record LoginRequest(string? Username, string? Password, string? DeviceName = null, string? Platform = null);

/// <summary>The bearer token is shown once, here; the server keeps only its hash.</summary>
public sealed record LoginResponse(string Token, long AccountId, long DeviceId, string Username);

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
