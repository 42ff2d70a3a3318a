using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Roost.Core.Errors;
using Roost.Core.RateLimiting;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Server.Http;
using Roost.Server.Options;

namespace Roost.Server.RateLimiting;

/// <summary>
/// Limits on everything that creates accounts or checks a password. Per-IP request rates are ASP.NET fixed windows in
/// memory; what guards a secret (the log-in lockout, <see cref="LoginLockout"/>; password checks,
/// <see cref="PasswordCheckLimit"/>) is counted in the store, so restarts do not reset it and nodes share it.
/// </summary>
public static class RateLimitingSetup
{
    public const string RegisterPolicy = "register";
    public const string LoginPolicy = "login";

    public static IServiceCollection AddRoostRateLimiting(this IServiceCollection services, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddSingleton<ILoginAttemptCounter, StoreLoginAttemptCounter>();
        services.AddSingleton(new LoginLockoutLimits(
            Attempts(limits.LoginAttemptsPerAccountAndNetwork), Attempts(limits.LoginAttemptsPerAccount), Attempts(limits.LoginAttemptsPerDeviceKey)));
        services.AddSingleton<LoginLockout>();
        services.AddSingleton(provider => new PasswordCheckLimit(
            provider.GetRequiredService<IRoostStore>(), provider.GetRequiredService<TimeProvider>(), Attempts(limits.PasswordChecksPerAccount)));
        services.AddSingleton<AttemptCounterPruningService>();
        services.AddHostedService(provider => provider.GetRequiredService<AttemptCounterPruningService>());
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(RegisterPolicy, context => PerKey(ClientIp(context), limits.RegisterPerIp));
            options.AddPolicy(LoginPolicy, context => PerKey(ClientIp(context), limits.LoginPerIp));
            options.OnRejected = (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : (TimeSpan?)null;
                return new ValueTask(RateLimited(context.HttpContext, retryAfter).ExecuteAsync(context.HttpContext));
            };
        });
        return services;
    }

    /// <summary>A 429 problem+json answer; sets Retry-After (whole seconds) on the response.</summary>
    public static ProblemHttpResult RateLimited(HttpContext context, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(Problems.Create(
            StatusCodes.Status429TooManyRequests,
            ErrorCodes.RateLimited,
            "Too many attempts. Try again later.",
            detail: $"Retry after {seconds} seconds."));
    }

    /// <summary>
    /// The partition of a client address. An IPv6 client usually holds a whole /64, so limits key on the /64 prefix:
    /// otherwise one client could rotate addresses and never be limited.
    /// </summary>
    public static string ClientIp(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    private static AttemptWindow Attempts(WindowLimit limit) => new(limit.PermitLimit, limit.Window);

    private static RateLimitPartition<string> PerKey(string key, WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
