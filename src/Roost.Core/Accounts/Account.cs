namespace Roost.Core.Accounts;

public sealed record Account(
    long Id,
    string Username,
    string PasswordHash,
    string DisplayName,
    string About,
    DateTimeOffset CreatedAt,
    string? Phone = null,
    DateTimeOffset? DisabledAt = null)
{
    /// <summary>Accounts created by phone sign-up have no password until they set one.</summary>
    public bool HasPassword => PasswordHash.Length > 0;
}

public sealed record NewAccount(
    string Username,
    string NormalizedUsername,
    string PasswordHash,
    string DisplayName,
    DateTimeOffset CreatedAt);

/// <summary>A partial profile change: a null member is left as it is.</summary>
public sealed record ProfileChange(string? DisplayName, string? About);
