using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Errors;
using Roost.Core.Push;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.Push;

namespace Roost.Server.Endpoints;

internal static class PushEndpoints
{
    public static void MapPushEndpoints(this RouteGroupBuilder v1)
    {
        // Public: a browser needs it before it can subscribe, and it is a public key.
        v1.MapGet("/push/vapid-key", GetVapidKey).WithName("GetVapidKey")
            .WithSummary("The server's VAPID public key (base64url), for pushManager.subscribe's applicationServerKey.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var signedIn = v1.MapGroup("/push").RequireAuthorization();
        signedIn.MapPut("/target", RegisterAsync).WithName("SetPushTarget")
            .WithSummary("Where this session's pushes go (APNs, FCM or Web Push); replaces the one it had.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        signedIn.MapGet("/target", GetAsync).WithName("GetPushTarget").ProducesProblem(StatusCodes.Status404NotFound);
        signedIn.MapDelete("/target", UnregisterAsync).WithName("DeletePushTarget").WithSummary("Stop pushes to this session.");
        signedIn.MapGet("/settings", GetSettingsAsync).WithName("GetPushSettings");
        signedIn.MapPut("/settings", SetSettingsAsync).WithName("SetPushSettings")
            .WithSummary("Opt in to (or out of) message previews in this account's pushes.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static Results<Ok<VapidKeyResponse>, ProblemHttpResult> GetVapidKey(PushProviders providers) =>
        providers.VapidPublicKey is { } key
            ? TypedResults.Ok(new VapidKeyResponse(key))
            : Problems.From(new RoostError(ErrorKind.NotFound, PushErrorCodes.PlatformNotConfigured, "Web Push is not enabled on this server."));

    private static async Task<Results<Ok<PushTargetResponse>, ProblemHttpResult>> RegisterAsync(
        [FromBody] PushTargetRequest request, PushService push, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        var registered = await push.RegisterAsync(
            caller.AccountId,
            caller.DeviceId,
            new NewPushTarget(request.Platform, request.Token, request.Topic, request.Environment, request.Voip, request.ProjectId, request.Endpoint, request.Keys?.P256dh, request.Keys?.Auth),
            cancellationToken);
        return registered.IsSuccess ? TypedResults.Ok(ToResponse(registered.Value)) : Problems.From(registered.Error);
    }

    private static async Task<Results<Ok<PushTargetResponse>, ProblemHttpResult>> GetAsync(PushService push, HttpContext context, CancellationToken cancellationToken) =>
        await push.GetAsync(context.Caller().DeviceId, cancellationToken) is { } target
            ? TypedResults.Ok(ToResponse(target))
            : Problems.From(RoostError.NotFound("A push target of this session"));

    private static async Task<NoContent> UnregisterAsync(PushService push, HttpContext context, CancellationToken cancellationToken)
    {
        await push.UnregisterAsync(context.Caller().DeviceId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PushSettingsResponse>> GetSettingsAsync(PushService push, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PushSettingsResponse(await push.GetPreviewsAsync(context.Caller().AccountId, cancellationToken)));

    private static async Task<Results<Ok<PushSettingsResponse>, ProblemHttpResult>> SetSettingsAsync(
        [FromBody] PushSettingsRequest request, PushService push, HttpContext context, CancellationToken cancellationToken)
    {
        if (request.Previews is not { } previews)
        {
            return Problems.From(RoostError.Validation("previews", "previews is true or false."));
        }

        await push.SetPreviewsAsync(context.Caller().AccountId, previews, cancellationToken);
        return TypedResults.Ok(new PushSettingsResponse(previews));
    }

    private static PushTargetResponse ToResponse(PushTarget target) => new(
        PushPlatforms.Name(target.Platform),
        target.App,
        target.Platform == PushPlatform.Apns ? (target.Sandbox ? "sandbox" : "production") : null,
        target.Voip,
        target.RegisteredAt);
}
