using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    public Task<AdminStatsResponse> GetAdminStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/admin/stats", RoostJsonContext.Default.AdminStatsResponse, cancellationToken);

    public Task<AdminNodeListResponse> ListNodesAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/admin/nodes", RoostJsonContext.Default.AdminNodeListResponse, cancellationToken);

    public Task<AdminUserListResponse> ListUsersAsync(long after = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/admin/users?after={after}&limit={limit}", RoostJsonContext.Default.AdminUserListResponse, cancellationToken);

    public Task<AdminUserResponse> ShowUserAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/admin/users/{Uri.EscapeDataString(username)}", RoostJsonContext.Default.AdminUserResponse, cancellationToken);

    public Task<AdminUserResponse> DisableUserAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/admin/users/{Uri.EscapeDataString(username)}/disable", RoostJsonContext.Default.AdminUserResponse, cancellationToken);

    public Task<AdminUserResponse> EnableUserAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/admin/users/{Uri.EscapeDataString(username)}/enable", RoostJsonContext.Default.AdminUserResponse, cancellationToken);

    public Task<RevokedSessionsResponse> RevokeUserSessionsAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/admin/users/{Uri.EscapeDataString(username)}/sessions", RoostJsonContext.Default.RevokedSessionsResponse, cancellationToken);
}
