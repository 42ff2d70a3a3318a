namespace Roost.Core.Accounts;

/// <summary>
/// Username rules: 3–32 characters of a–z, 0–9, '_' and '.', compared case-insensitively.
/// The account keeps the spelling it was registered with; uniqueness and look-up use the lower-case form.
/// </summary>
public static class Username
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    /// <summary>Returns null when <paramref name="username"/> is valid, otherwise a message for the client.</summary>
    public static string? Validate(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return "A username is required.";
        }

        if (username.Length is < MinLength or > MaxLength)
        {
            return $"A username has {MinLength} to {MaxLength} characters.";
        }

        foreach (var c in username)
        {
            if (!IsAllowed(c))
            {
                return "A username may contain only letters a-z, digits 0-9, '_' and '.'.";
            }
        }

        return null;
    }

    /// <summary>The form used for uniqueness and look-up. Only meaningful for a valid username.</summary>
    public static string Normalize(string username) => username.ToLowerInvariant();

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.';
}
