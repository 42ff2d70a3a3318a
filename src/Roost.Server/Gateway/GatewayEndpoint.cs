using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Roost.Core.Errors;
using Roost.Core.Sessions;
using Roost.Server.Http;

namespace Roost.Server.Gateway;

/// <summary>
/// <c>GET /v1/ws</c>: the WebSocket gateway. The token comes in the Authorization header or, for browsers, the
/// <c>access_token</c> query parameter. An invalid token is accepted and closed with 4001, so browser clients can see why.
/// </summary>
internal static class GatewayEndpoint
{
    public static readonly PathString Path = "/v1/ws";

    public static void MapGateway(this RouteGroupBuilder v1)
    {
        v1.MapGet("/ws", ConnectAsync)
            .WithName("WebSocket")
            .WithSummary("Upgrade to the real-time protocol (docs/protocol.md). Optional query: cursor (sync from it at once), access_token.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ConnectAsync(
        HttpContext context, SessionService sessions, GatewayServices services, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.From(new RoostError(ErrorKind.Validation, GatewayErrorCodes.WebSocketRequired, "This endpoint speaks WebSocket only: send an upgrade request."));
        }

        long? cursor = null;
        if (context.Request.Query.TryGetValue("cursor", out var cursorText))
        {
            if (!long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.From(RoostError.Validation("cursor", "cursor is a whole number of 0 or more."));
            }

            cursor = parsed;
        }

        var device = await sessions.AuthenticateAsync(ReadToken(context.Request), context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        var options = services.Options;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        });
        if (device is null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await socket.CloseAsync(CloseCodes.Unauthorized, "a valid access token is required", timeout.Token);
            }
            catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                // The client left first.
            }

            return TypedResults.Empty;
        }

        var stream = (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() as CoalescingUpgradeFeature)?.Stream;
        var connection = new GatewayConnection(socket, stream, device, services, lifetime.ApplicationStopping);
        await connection.RunAsync(cursor);
        return TypedResults.Empty;
    }

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query.TryGetValue("access_token", out var token) ? token.ToString() : null;
    }
}
