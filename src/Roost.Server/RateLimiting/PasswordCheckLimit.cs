using System.Globalization;
using Roost.Core;
using Roost.Core.RateLimiting;
using Roost.Core.Storage;
using Roost.Server.Auth;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Password checks by a signed-in account (change password, delete account, phone and 2FA changes), counted per
/// account in the store: a stolen token cannot guess the password faster by waiting for a restart or by spreading
/// its guesses over the nodes of one database.
/// </summary>
public sealed class PasswordCheckLimit(IRoostStore store, TimeProvider time, AttemptWindow limit)
{
    public Task<AttemptTake> TryTakeAsync(long accountId, CancellationToken cancellationToken) =>
        store.Counters.TryTakeAsync("password-check:" + accountId.ToString(CultureInfo.InvariantCulture), limit, time.GetStoredNow(), cancellationToken);
}

public static class PasswordCheckLimitExtensions
{
    /// <summary>Counts the request against the caller's password checks before the handler runs; past the limit, 429 with Retry-After.</summary>
    public static RouteHandlerBuilder RequirePasswordCheckLimit(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var take = await http.RequestServices.GetRequiredService<PasswordCheckLimit>().TryTakeAsync(http.Caller().AccountId, http.RequestAborted);
            return take.Allowed ? await next(context) : RateLimitingSetup.RateLimited(http, take.RetryAfter);
        });
}
