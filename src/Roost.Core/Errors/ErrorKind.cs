namespace Roost.Core.Errors;

/// <summary>What kind of client-visible failure an operation ended in. The host maps each kind to a status code in one place.</summary>
public enum ErrorKind
{
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,

    /// <summary>A dependency (the SMS provider, say) cannot serve now; retry later.</summary>
    Unavailable,

    /// <summary>It existed and is gone for good (an expired upload).</summary>
    Gone,

    /// <summary>The body is larger than allowed.</summary>
    PayloadTooLarge,

    /// <summary>The content's type is not accepted.</summary>
    UnsupportedMediaType,
}
