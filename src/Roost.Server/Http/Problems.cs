using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Errors;

namespace Roost.Server.Http;

/// <summary>The one place where an error becomes an HTTP status and an RFC 9457 problem+json body.</summary>
public static class Problems
{
    /// <summary>Seconds to wait, in a problem's extensions; also sent as the Retry-After header.</summary>
    public const string RetryAfterExtension = "retryAfter";

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.Gone => StatusCodes.Status410Gone,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The code given to a problem that was raised by the framework (routing, status code pages) rather than by Roost.</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorCodes.MalformedRequest,
        StatusCodes.Status401Unauthorized => ErrorCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
        StatusCodes.Status404NotFound => ErrorCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ErrorCodes.Unavailable,
        StatusCodes.Status507InsufficientStorage => ErrorCodes.StorageFull,
        _ => status >= 500 ? ErrorCodes.InternalError : ErrorCodes.MalformedRequest,
    };

    public static ProblemHttpResult From(RoostError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problem = Create(StatusFor(error.Kind), error.Code, error.Message, error.FieldErrors);
        if (error.RetryAfter is { } retryAfter)
        {
            // HttpSetup turns this into the Retry-After header.
            problem.Extensions[RetryAfterExtension] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>507: the store has no space; nothing of the request was stored.</summary>
    public static ProblemDetails StorageFull()
    {
        var problem = Create(StatusCodes.Status507InsufficientStorage, ErrorCodes.StorageFull, "The server is out of storage space; nothing was stored. Retry later.");
        problem.Extensions[RetryAfterExtension] = (int)Roost.Core.Storage.StorageFullException.SuggestedRetryAfter.TotalSeconds;
        return problem;
    }

    /// <summary>503: the database did not answer; nothing of the request was acknowledged (a retry with the same client id is safe).</summary>
    public static ProblemDetails StoreUnavailable()
    {
        var problem = Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreUnavailable, "The server's database is unavailable; nothing was acknowledged. Retry shortly.");
        problem.Extensions[RetryAfterExtension] = (int)Roost.Core.Storage.StoreUnavailableException.SuggestedRetryAfter.TotalSeconds;
        return problem;
    }

    public static ProblemDetails Create(int status, string code, string title, IReadOnlyDictionary<string, string[]>? fieldErrors = null, string? detail = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        if (fieldErrors is not null)
        {
            problem.Extensions["errors"] = fieldErrors;
        }

        return problem;
    }
}
