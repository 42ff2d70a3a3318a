using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Identity;
using Roost.Core.Errors;
using Roost.Core.Sessions;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.RateLimiting;

namespace Roost.Server.Endpoints;

/// <summary>Log in and out, and the account's devices (each device is one session).</summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/sessions", LoginAsync)
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .WithName("Login")
            .WithSummary("Log in with username and password (and the device key of an earlier log-in, if any); returns a bearer token bound to a new device and a device key.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        v1.MapPost("/sessions/second-factor", CompleteSecondFactorAsync)
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .WithName("CompleteSecondFactor")
            .WithSummary("Complete a log-in challenge with a TOTP, SMS or recovery code; at most five attempts per challenge.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        v1.MapPost("/sessions/second-factor/sms", SendChallengeCodeAsync)
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .WithName("SendSecondFactorSms")
            .WithSummary("Send the SMS code for a log-in challenge that offers the sms method.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var signedIn = v1.MapGroup("").RequireAuthorization();
        signedIn.MapDelete("/sessions/current", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revoke the token of this request.");
        signedIn.MapGet("/devices", ListDevicesAsync)
            .WithName("ListDevices")
            .WithSummary("The account's signed-in devices; the caller's own is marked current.");
        signedIn.MapDelete("/devices/{deviceId:long}", RevokeDeviceAsync)
            .WithName("RevokeDevice")
            .WithSummary("Sign a device out: its token stops working at once.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> LoginAsync(
        [FromBody] LoginRequest request,
        AccountService accounts,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        // The account lockout is decided in AccountService.LoginAsync (LoginLockout), keyed by account and network.
        var outcome = await accounts.LoginAsync(
            new LoginAttempt(
                request.Username,
                request.Password,
                request.DeviceName,
                request.Platform,
                context.Connection.RemoteIpAddress?.ToString(),
                RateLimitingSetup.ClientIp(context),
                request.DeviceKey),
            cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        return TypedResults.Ok(outcome.Value.ToResponse());
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> CompleteSecondFactorAsync(
        [FromBody] SecondFactorRequest request, TwoFactorService twoFactor, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.CompleteChallengeAsync(request.Challenge, request.Method, request.Code, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Results<Accepted<CodeSentResponse>, ProblemHttpResult>> SendChallengeCodeAsync(
        [FromBody] ChallengeRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.SendChallengeCodeAsync(request.Challenge, RateLimitingSetup.ClientIp(context), cancellationToken);
        return outcome.IsSuccess ? TypedResults.Accepted((string?)null, new CodeSentResponse(outcome.Value)) : Problems.From(outcome.Error);
    }

    private static async Task<NoContent> LogoutAsync(SessionService sessions, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        await sessions.LogoutAsync(caller, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DeviceListResponse>> ListDevicesAsync(SessionService sessions, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        var devices = await sessions.ListDevicesAsync(caller.AccountId, cancellationToken);
        return TypedResults.Ok(new DeviceListResponse(devices.Select(d => d.ToResponse(caller.DeviceId)).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeDeviceAsync(
        long deviceId, SessionService sessions, HttpContext context, CancellationToken cancellationToken)
    {
        var accountId = context.Caller().AccountId;
        var outcome = await sessions.RevokeDeviceAsync(accountId, deviceId, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        return TypedResults.NoContent();
    }
}
