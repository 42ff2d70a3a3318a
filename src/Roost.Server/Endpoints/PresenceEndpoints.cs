using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Errors;
using Roost.Core.Presence;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;

namespace Roost.Server.Endpoints;

internal static class PresenceEndpoints
{
    public static void MapPresenceEndpoints(this RouteGroupBuilder v1)
    {
        var signedIn = v1.MapGroup("").RequireAuthorization();
        signedIn.MapGet("/presence", GetAsync).WithName("GetPresence")
            .WithSummary("Online, offline (with last seen) or hidden, for everyone who shares a conversation with the caller.");
        signedIn.MapPut("/account/presence", SetAsync).WithName("SetPresenceVisibility")
            .WithSummary("Hide or show the caller's presence.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<Ok<PresenceListResponse>> GetAsync(PresenceService presence, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PresenceListResponse(await presence.GetContactsPresenceAsync(context.Caller().AccountId, cancellationToken)));

    private static async Task<Results<NoContent, ProblemHttpResult>> SetAsync(
        [FromBody] PresenceSettingsRequest request, PresenceService presence, HttpContext context, CancellationToken cancellationToken)
    {
        if (request.Hidden is not { } hidden)
        {
            return Problems.From(RoostError.Validation("hidden", "hidden is true or false."));
        }

        await presence.SetHiddenAsync(context.Caller().AccountId, hidden, cancellationToken);
        return TypedResults.NoContent();
    }
}
