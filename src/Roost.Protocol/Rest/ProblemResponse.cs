namespace Roost.Protocol.Rest;

/// <summary>An RFC 9457 problem+json body with Roost's stable <see cref="Code"/> and per-field <see cref="Errors"/>.</summary>
public sealed record ProblemResponse(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Code,
    IReadOnlyDictionary<string, string[]>? Errors,
    string? TraceId);

public sealed record HealthResponse(string Status, string? Detail = null);
