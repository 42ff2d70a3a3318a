using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Roost.Core.Errors;
using Roost.Core.Sessions;
using Roost.Server.Http;

namespace Roost.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer roost_…</c> against the store on every request, so a revoked token is
/// refused at once. Challenges and forbids answer in problem+json like every other error.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SessionService sessions,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var device = await sessions.AuthenticateAsync(token, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        if (device is null)
        {
            return AuthenticateResult.Fail("The access token is invalid or revoked.");
        }

        Context.Features.Set(device);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, device.AccountId.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, device.Username),
                new Claim(RoostClaims.DeviceId, device.DeviceId.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = Problems.Create(
                StatusCodes.Status401Unauthorized,
                ErrorCodes.Unauthorized,
                "A valid access token is required: send Authorization: Bearer <token> from POST /v1/sessions."),
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This token may not do that."),
        });
    }

    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}

public static class RoostClaims
{
    public const string DeviceId = "roost:device";
}
