namespace Roost.Core.Accounts;

/// <summary>Limits on the free-text parts of a profile.</summary>
public static class ProfileRules
{
    public const int MaxDisplayNameLength = 64;
    public const int MaxAboutLength = 500;

    public static string? ValidateDisplayName(string? displayName) =>
        displayName is not null && string.IsNullOrWhiteSpace(displayName)
            ? "A display name may not be blank."
            : Validate(displayName, MaxDisplayNameLength, "A display name", allowNewlines: false);

    public static string? ValidateAbout(string? about) =>
        Validate(about, MaxAboutLength, "The about text", allowNewlines: true);

    private static string? Validate(string? value, int maxLength, string what, bool allowNewlines)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            return $"{what} has at most {maxLength} characters.";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) && !(allowNewlines && c is '\n'))
            {
                return $"{what} may not contain control characters.";
            }
        }

        return null;
    }
}
