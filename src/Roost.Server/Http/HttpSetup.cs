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

            // The web defaults read "1" as the number 1; the protocol refuses a value of the wrong type.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
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
            if (problem.Extensions.TryGetValue(Problems.RetryAfterExtension, out var seconds) && seconds is int wait)
            {
                context.HttpContext.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return services;
    }

    /// <summary>
    /// Refuses a request body declared in a charset other than UTF-8 with 415, before the JSON reader would throw on it.
    /// </summary>
    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentType is { } contentType
                && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
                && media.Charset is { Length: > 0 } charset
                && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = Problems.Create(
                        StatusCodes.Status415UnsupportedMediaType,
                        Roost.Core.Errors.ErrorCodes.UnsupportedMediaType,
                        "Request bodies are JSON in UTF-8."),
                });
                return;
            }

            await next();
        });
}
