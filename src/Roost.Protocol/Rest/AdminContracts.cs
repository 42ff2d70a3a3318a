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
    double UptimeSeconds,
    int ClusterConnections = 0,
    int RunningNodes = 1);

/// <summary>A node of the cluster as the registry lists it. State: running, late (heartbeat overdue), stopped or dead.</summary>
public sealed record AdminNodeResponse(
    string NodeId, string Address, string State, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, int Connections, int Accounts, DateTimeOffset? EndedAt);

public sealed record AdminNodeListResponse(string ThisNode, IReadOnlyList<AdminNodeResponse> Nodes);

public sealed record RevokedSessionsResponse(int Revoked);
