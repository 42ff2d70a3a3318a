using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Server.Http;

/// <summary>
/// Maps exceptions to problem+json. A malformed request is the client's mistake and gets a 4xx with a stable code;
/// anything else is logged and answered with a bare 500: exception details never leave the server outside Development.
/// </summary>
internal sealed partial class RoostExceptionHandler(
    IProblemDetailsService problemDetails, IHostEnvironment environment, ILogger<RoostExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => Problems.Create(
                StatusCodes.Status400BadRequest,
                ErrorCodes.MalformedJson,
                "The request body is not valid JSON for this operation.",
                detail: json.Path is { Length: > 0 } path ? $"The problem is at {path}: a syntax error, a value of the wrong type, or a member this operation does not take." : null),
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, Problems.CodeForStatus(bad.StatusCode), TitleFor(bad.StatusCode)),

            // Not the client's fault, but nothing was stored and a retry can succeed; the store logs it once per episode.
            StorageFullException => Problems.StorageFull(),
            StoreUnavailableException => Problems.StoreUnavailable(),
            _ => null,
        };

        if (problem is null)
        {
            if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is nobody to answer.
                return true;
            }

            Log.UnhandledException(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(
                StatusCodes.Status500InternalServerError,
                ErrorCodes.InternalError,
                "The server failed to process the request.",
                detail: environment.IsDevelopment() ? exception.ToString() : null);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this server accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
        _ => "The request is malformed or misses a required part, such as its JSON body.",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Unhandled exception while serving {Method} {Path}")]
        public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path);
    }
}
