namespace Roost.Protocol.Rest;

public sealed record AdminUserResponse(
    long Id, string Username, string DisplayName, string? Phone, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, int Devices, DateTimeOffset? LastSeenAt);

public sealed record AdminUserListResponse(IReadOnlyList<AdminUserResponse> Users, long? NextAfter);

/// <summary>What the server holds and does right now.</summary>
public sealed record AdminStatsResponse(
    long Accounts,
    long Devices,
    long Conversations,
    long Messages,
    long Events,
    long StoreBytes,
    int Connections,
    long ProcessWorkingSetBytes,
    long ManagedHeapBytes,
    double UptimeSeconds);

public sealed record RevokedSessionsResponse(int Revoked);
