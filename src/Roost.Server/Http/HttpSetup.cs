using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Roost.Protocol;

namespace Roost.Server.Http;

public static class HttpSetup
{
    /// <summary>JSON, problem+json and exception mapping for the REST API.</summary>
    public static IServiceCollection AddRoostHttp(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, RoostJsonContext.Default);

            // A misspelt member must not be silently ignored: it is refused with malformed_json.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });

        // Binding failures (bad JSON, wrong content type, oversized body) throw, so RoostExceptionHandler answers them with problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<RoostExceptionHandler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Extensions.TryAdd("code", Problems.CodeForStatus(status));
            problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        });
        return services;
    }
}
