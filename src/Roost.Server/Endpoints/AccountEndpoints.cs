using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.RateLimiting;

namespace Roost.Server.Endpoints;

/// <summary>Registration, the caller's own account, and looking other users up.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/accounts", RegisterAsync)
            .RequireRateLimiting(RateLimitingSetup.RegisterPolicy)
            .WithName("Register")
            .WithSummary("Create an account with a username and password.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var signedIn = v1.MapGroup("").RequireAuthorization();
        signedIn.MapGet("/account", GetAccountAsync)
            .WithName("GetAccount")
            .WithSummary("The caller's own account and profile.");
        signedIn.MapPatch("/account/profile", UpdateProfileAsync)
            .WithName("UpdateProfile")
            .WithSummary("Change the display name or about text; omitted members stay as they are.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        signedIn.MapPut("/account/password", ChangePasswordAsync)
            .RequirePasswordCheckLimit()
            .WithName("ChangePassword")
            .WithSummary("Change the password; every other device is signed out.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        signedIn.MapPost("/account/delete", DeleteAccountAsync)
            .RequirePasswordCheckLimit()
            .WithName("DeleteAccount")
            .WithSummary("Delete the account and all its devices; needs the password.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        signedIn.MapGet("/users/{username}", GetUserAsync)
            .WithName("GetUser")
            .WithSummary("Look a user up by username (case-insensitive).")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<AccountResponse>, ProblemHttpResult>> RegisterAsync(
        [FromBody] RegisterRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        var outcome = await accounts.RegisterAsync(new Registration(request.Username, request.Password, request.DisplayName), cancellationToken);
        return outcome.IsSuccess
            ? TypedResults.Created($"/v1/users/{outcome.Value.Username}", outcome.Value.ToResponse())
            : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccountAsync(
        AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await accounts.GetAsync(context.Caller().AccountId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> UpdateProfileAsync(
        [FromBody] UpdateProfileRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await accounts.UpdateProfileAsync(
            context.Caller().AccountId, new ProfileChange(request.DisplayName, request.About), cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        [FromBody] ChangePasswordRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        var outcome = await accounts.ChangePasswordAsync(caller, request.CurrentPassword, request.NewPassword, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccountAsync(
        [FromBody] DeleteAccountRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        var outcome = await accounts.DeleteAsync(caller, request.Password, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUserAsync(
        string username, AccountService accounts, CancellationToken cancellationToken)
    {
        var outcome = await accounts.FindByUsernameAsync(username, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToUserResponse()) : Problems.From(outcome.Error);
    }
}
