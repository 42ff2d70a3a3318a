namespace Roost.Core.Errors;

/// <summary>A failure that is the client's to fix or to know about: not an exception, a value.</summary>
public sealed record RoostError(
    ErrorKind Kind,
    string Code,
    string Message,
    IReadOnlyDictionary<string, string[]>? FieldErrors = null,
    TimeSpan? RetryAfter = null)
{
    public static RoostError RateLimited(TimeSpan retryAfter, string message = "Too many attempts. Try again later.") =>
        new(ErrorKind.RateLimited, ErrorCodes.RateLimited, message, RetryAfter: retryAfter);

    public static RoostError Validation(IReadOnlyDictionary<string, string[]> fieldErrors) =>
        new(ErrorKind.Validation, ErrorCodes.ValidationFailed, "One or more fields are invalid.", fieldErrors);

    public static RoostError Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static RoostError InvalidCredentials() =>
        new(ErrorKind.Unauthorized, ErrorCodes.InvalidCredentials, "The username or password is incorrect.");

    public static RoostError NotFound(string what) =>
        new(ErrorKind.NotFound, ErrorCodes.NotFound, $"{what} was not found.");
}
