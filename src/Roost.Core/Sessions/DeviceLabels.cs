namespace Roost.Core.Sessions;

/// <summary>What a client may call its device: short, printable text.</summary>
public static class DeviceLabels
{
    public const int MaxNameLength = 64;
    public const int MaxPlatformLength = 32;

    public static string? ValidateName(string? name) => Validate(name, MaxNameLength, "A device name");

    public static string? ValidatePlatform(string? platform) => Validate(platform, MaxPlatformLength, "A platform");

    private static string? Validate(string? value, int maxLength, string what)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            return $"{what} has at most {maxLength} characters.";
        }

        return value.Any(char.IsControl) ? $"{what} may not contain control characters." : null;
    }
}
