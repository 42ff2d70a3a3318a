using PhoneNumbers;

namespace Roost.Core.Identity;

/// <summary>A number that exists in its country's numbering plan, in E.164 form, with what kind of line it is.</summary>
/// <param name="Region">ISO 3166 region (GB, US, JM…), or "001" for non-geographic numbers (+800, +882…).</param>
public sealed record ParsedPhoneNumber(string E164, int CountryCode, string Region, PhoneNumberType Type);

/// <summary>
/// Phone numbers in international form: '+' (or a leading "00") and a country code; spaces, dashes, dots and
/// parentheses are ignored. A number counts only when libphonenumber's metadata says it exists
/// (<see cref="PhoneNumberUtil.IsValidNumber"/>); shape alone lets through numbers nobody can hold, each a paid SMS.
/// </summary>
public static class PhoneNumber
{
    /// <summary>libphonenumber's region for numbers of no country (+800, +882…).</summary>
    public const string NonGeographicRegion = "001";

    private const int MaxInputLength = 32;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>A valid number of any type (whether it takes SMS is <see cref="SmsNumberPolicy"/>'s call), in E.164.</summary>
    public static bool TryParse(string? input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParsedPhoneNumber? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(input) || input.Length > MaxInputLength)
        {
            return false;
        }

        var text = input.Trim();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        // Without a country code a number is ambiguous; anything beyond digits and separators (an extension, a
        // letter) is refused rather than guessed at.
        if (!text.StartsWith('+') || !text.Skip(1).All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')'))
        {
            return false;
        }

        PhoneNumbers.PhoneNumber number;
        try
        {
            number = Util.Parse(text, null);
        }
        catch (NumberParseException)
        {
            return false;
        }

        if (!Util.IsValidNumber(number))
        {
            return false;
        }

        parsed = new ParsedPhoneNumber(
            Util.Format(number, PhoneNumberFormat.E164),
            number.CountryCode,
            Util.GetRegionCodeForNumber(number) ?? NonGeographicRegion,
            Util.GetNumberType(number));
        return true;
    }

    /// <summary>True for a region code the metadata knows (GB, US…), case-insensitive.</summary>
    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <summary>True for a country calling code in use (44, 1, 882…).</summary>
    public static bool IsKnownCountryCode(int countryCode) => Util.GetSupportedCallingCodes().Contains(countryCode);

    /// <summary>For logs: the country code and the last two digits only.</summary>
    public static string Mask(string normalized) =>
        normalized.Length <= 5 ? "+***" : normalized[..3] + new string('*', normalized.Length - 5) + normalized[^2..];
}
