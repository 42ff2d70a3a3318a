using System.Net;

namespace Roost.Client;

/// <summary>The server answered with a problem+json error. <see cref="Code"/> is the stable machine-readable part.</summary>
public sealed class RoostApiException : Exception
{
    public RoostApiException()
    {
    }

    public RoostApiException(string message)
        : base(message)
    {
    }

    public RoostApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RoostApiException(
        HttpStatusCode status, string code, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter)
        : base($"{(int)status} {code}: {title}{(detail is null ? "" : " " + detail)}")
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        RetryAfter = retryAfter;
    }

    public HttpStatusCode Status { get; }

    public string Code { get; } = "";

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>Per-field messages of a <c>validation_failed</c> error, keyed by camelCase member name.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = new Dictionary<string, string[]>();

    /// <summary>From the Retry-After header of a 429.</summary>
    public TimeSpan? RetryAfter { get; }
}
