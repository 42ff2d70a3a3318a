namespace Roost.Core.Identity;

/// <summary>
/// E.164 phone numbers: '+', a country code that does not start with 0, and at most 15 digits in all. Input may carry
/// spaces, dashes, dots, parentheses and a leading "00" instead of '+'; the normalized form has none of them.
/// (Per-country length rules need libphonenumber's metadata, which is not available here; the SMS provider refuses
/// numbers that do not exist.)
/// </summary>
public static class PhoneNumber
{
    public const int MinDigits = 8;
    public const int MaxDigits = 15;

    public static bool TryNormalize(string? input, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            return false;
        }

        var text = input.Trim();
        Span<char> digits = stackalloc char[MaxDigits];
        var count = 0;
        var start = 0;
        if (text.StartsWith('+'))
        {
            start = 1;
        }
        else if (text.StartsWith("00", StringComparison.Ordinal))
        {
            start = 2;
        }
        else
        {
            return false; // Without a country code a number is ambiguous.
        }

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                if (count == MaxDigits)
                {
                    return false;
                }

                digits[count++] = c;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        if (count < MinDigits || digits[0] == '0')
        {
            return false;
        }

        normalized = "+" + new string(digits[..count]);
        return true;
    }

    /// <summary>For logs: the country code and the last two digits only.</summary>
    public static string Mask(string normalized) =>
        normalized.Length <= 5 ? "+***" : normalized[..3] + new string('*', normalized.Length - 5) + normalized[^2..];
}
