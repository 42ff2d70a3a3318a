namespace Roost.Protocol.Rest;

/// <summary>POST /v1/accounts</summary>
public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName = null);

/// <summary>The caller's own account (GET /v1/account and registration).</summary>
public sealed record AccountResponse(
    long Id,
    string Username,
    string DisplayName,
    string About,
    string? AvatarUrl,
    DateTimeOffset CreatedAt,
    string? Phone = null);

/// <summary>PATCH /v1/account/profile: a null or missing member is left unchanged; an empty string clears it.</summary>
public sealed record UpdateProfileRequest(string? DisplayName = null, string? About = null);

/// <summary>PUT /v1/account/password</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>POST /v1/account/delete</summary>
public sealed record DeleteAccountRequest(string? Password);

/// <summary>Another user as anyone signed in may see them (GET /v1/users/{username}).</summary>
public sealed record UserResponse(
    long Id,
    string Username,
    string DisplayName,
    string About,
    string? AvatarUrl);
