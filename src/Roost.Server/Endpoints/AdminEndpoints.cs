using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Roost.Core.Accounts;
using Roost.Core.Admin;
using Roost.Core.Cluster;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Push;
using Roost.Core.Storage;
using Roost.Protocol.Rest;
using Roost.Server.Http;
using Roost.Server.Options;
using Roost.Server.RateLimiting;

namespace Roost.Server.Endpoints;

/// <summary>
/// The operator API under /v1/admin, guarded by the configured admin token (header X-Admin-Token, compared in constant
/// time). Without a configured token every admin route answers 404, as if it did not exist.
/// </summary>
internal static class AdminEndpoints
{
    public const string TokenHeader = "X-Admin-Token";

    public static void MapAdminEndpoints(this RouteGroupBuilder v1, RoostOptions options)
    {
        var admin = v1.MapGroup("/admin")
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/stats", StatsAsync).WithName("AdminStats").WithSummary("Connections, stored counts, store size and process memory.");
        admin.MapGet("/nodes", ListNodesAsync).WithName("AdminListNodes").WithSummary("The nodes of the cluster: heartbeat, connections, and whether each runs, is late, stopped or dead.");
        admin.MapGet("/push", PushAsync).WithName("AdminPush").WithSummary("The push queue (pending, in flight, dead letters), this node's senders, and every partition's breaker.");
        admin.MapGet("/users", ListUsersAsync).WithName("AdminListUsers").WithSummary("Accounts by id; page with 'after'.");
        admin.MapGet("/users/{username}", ShowUserAsync).WithName("AdminShowUser");
        admin.MapPost("/users/{username}/disable", DisableAsync).WithName("AdminDisableUser").WithSummary("Disable an account: no log-in, every session revoked.");
        admin.MapPost("/users/{username}/enable", EnableAsync).WithName("AdminEnableUser");
        admin.MapDelete("/users/{username}/sessions", RevokeSessionsAsync).WithName("AdminRevokeSessions").WithSummary("Sign every device of the account out.");
        admin.MapAdminReportEndpoints();
    }

    private static async Task<Ok<AdminStatsResponse>> StatsAsync(IRoostStore store, EventRouter router, NodeContext node, TimeProvider time, CancellationToken cancellationToken)
    {
        var stats = await store.Admin.GetStatsAsync(cancellationToken);
        var now = time.GetUtcNow();

        // Other nodes' connections as of their last heartbeat; this node's as of now.
        var running = (await store.Nodes.ListAsync(cancellationToken))
            .Where(n => NodeStatus.Of(n, now, node.HeartbeatInterval, node.DeadAfter) is NodeState.Running or NodeState.Late)
            .ToList();
        var clusterConnections = router.ConnectionCount + running.Where(n => n.NodeId != node.NodeId).Sum(n => n.Connections);
        using var process = Process.GetCurrentProcess();
        return TypedResults.Ok(new AdminStatsResponse(
            stats.Accounts,
            stats.Devices,
            stats.Conversations,
            stats.Messages,
            stats.Events,
            stats.StoreBytes,
            router.ConnectionCount,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            (DateTime.Now - process.StartTime).TotalSeconds,
            clusterConnections,
            Math.Max(1, running.Count)));
    }

    private static async Task<Ok<AdminPushResponse>> PushAsync(IRoostStore store, PushDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var queue = await store.Push.GetStatsAsync(recentDead: 20, cancellationToken);
        var node = dispatcher.Stats();
        return TypedResults.Ok(new AdminPushResponse(
            queue.Pending,
            queue.InFlight,
            queue.Dead,
            queue.Targets,
            node.Accepted,
            node.Retried,
            node.TargetsRemoved,
            node.DeadLetters,
            node.SkippedOnline,
            [.. node.Providers.Select(p => new AdminPushProviderResponse(PushPlatforms.Name(p.Platform), p.InFlight, p.PeakInFlight, p.MaxConcurrency))],
            [.. node.Breakers.Select(b => new AdminPushBreakerResponse(b.Partition.ToString(), b.State.ToString().ToLowerInvariant(), b.ConsecutiveFailures, b.OpenUntil, b.LastError))],
            [.. queue.RecentDead.Select(d => new AdminPushDeadLetterResponse(d.DeviceId, d.ConversationId, d.Seq, PushPlatforms.Name(d.Platform), d.App, d.Attempts, d.Error, d.At))]));
    }

    private static async Task<Ok<AdminNodeListResponse>> ListNodesAsync(IRoostStore store, NodeContext node, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nodes = await store.Nodes.ListAsync(cancellationToken);
        return TypedResults.Ok(new AdminNodeListResponse(node.NodeId, [.. nodes.Select(n => new AdminNodeResponse(
            n.NodeId,
            n.Address,
            NodeStatus.Of(n, now, node.HeartbeatInterval, node.DeadAfter).ToString().ToLowerInvariant(),
            n.StartedAt,
            n.HeartbeatAt,
            n.Connections,
            n.Accounts,
            n.EndedAt))]));
    }

    private static async Task<Ok<AdminUserListResponse>> ListUsersAsync(IRoostStore store, CancellationToken cancellationToken, long after = 0, int limit = 100)
    {
        var users = await store.Admin.ListUsersAsync(after, Math.Clamp(limit, 1, 1000), cancellationToken);
        return TypedResults.Ok(new AdminUserListResponse(users.Select(ToResponse).ToList(), users.Count == Math.Clamp(limit, 1, 1000) ? users[^1].Id : null));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> ShowUserAsync(string username, IRoostStore store, CancellationToken cancellationToken) =>
        await FindAsync(store, username, cancellationToken) is { } user ? TypedResults.Ok(ToResponse(user)) : Problems.From(RoostError.NotFound("The user"));

    private static Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> DisableAsync(
        string username, IRoostStore store, AdminService admin, TimeProvider time, CancellationToken cancellationToken) =>
        SetDisabledAsync(username, time.GetUtcNow(), store, admin, cancellationToken);

    private static Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> EnableAsync(
        string username, IRoostStore store, AdminService admin, CancellationToken cancellationToken) =>
        SetDisabledAsync(username, null, store, admin, cancellationToken);

    private static async Task<Results<Ok<RevokedSessionsResponse>, ProblemHttpResult>> RevokeSessionsAsync(
        string username, IRoostStore store, AdminService admin, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, username, cancellationToken) is not { } user)
        {
            return Problems.From(RoostError.NotFound("The user"));
        }

        var revoked = await admin.RevokeSessionsAsync(user.Id, cancellationToken);
        return TypedResults.Ok(new RevokedSessionsResponse(revoked));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> SetDisabledAsync(
        string username, DateTimeOffset? disabledAt, IRoostStore store, AdminService admin, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, username, cancellationToken) is not { } user)
        {
            return Problems.From(RoostError.NotFound("The user"));
        }

        await admin.SetDisabledAsync(user.Id, disabledAt, cancellationToken);

        return TypedResults.Ok(ToResponse((await FindAsync(store, username, cancellationToken))!));
    }

    private static Task<AdminUser?> FindAsync(IRoostStore store, string username, CancellationToken cancellationToken) =>
        Username.Validate(username) is null
            ? store.Admin.FindUserAsync(Username.Normalize(username), cancellationToken)
            : Task.FromResult<AdminUser?>(null);

    private static AdminUserResponse ToResponse(AdminUser user) =>
        new(user.Id, user.Username, user.DisplayName, user.Phone, user.CreatedAt, user.DisabledAt, user.Devices, user.LastSeenAt);

    /// <summary>
    /// Checks the admin token for every /v1/admin request before its endpoint runs, so before its body is read: an
    /// anonymous caller learns nothing from binding errors (400/415), only 401, or 404 while the admin API is off.
    /// Runs after the rate limiter, which bounds token guessing.
    /// </summary>
    public static IApplicationBuilder UseAdminToken(this IApplicationBuilder app, RoostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Admin.Token));
        var configured = options.Admin.Token.Length > 0;
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1/admin", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            if (!configured)
            {
                await Problems.From(RoostError.NotFound("The resource")).ExecuteAsync(context);
                return;
            }

            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(context.Request.Headers[TokenHeader].ToString()));
            if (!CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                await Problems.From(new RoostError(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, $"The admin API needs the configured admin token in {TokenHeader}.")).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }
}
