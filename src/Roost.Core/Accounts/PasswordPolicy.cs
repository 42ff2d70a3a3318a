namespace Roost.Core.Accounts;

/// <summary>Passwords have 8 to 256 characters (Unicode scalar values). No composition rules: length is what resists guessing.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    public static string? Validate(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        // Count runes, not UTF-16 units, so an emoji is one character as a person would count it.
        // Checking the UTF-16 length first bounds the work on hostile input.
        if (password.Length > MaxLength * 2)
        {
            return $"A password has {MinLength} to {MaxLength} characters.";
        }

        var length = 0;
        foreach (var _ in password.EnumerateRunes())
        {
            length++;
        }

        if (length is < MinLength or > MaxLength)
        {
            return $"A password has {MinLength} to {MaxLength} characters.";
        }

        if (password.Contains('\0', StringComparison.Ordinal))
        {
            return "A password may not contain NUL characters.";
        }

        return null;
    }
}
