using PhoneNumbers;
using Roost.Core.Errors;

namespace Roost.Core.Identity;

/// <summary>Where a code may be sent: a valid number that can take SMS, in a served country, in E.164 form.</summary>
/// <param name="Country">The country whose budget the send counts against: the ISO region (US, JM…), so the countries that share +1 each have their own.</param>
public sealed record SmsDestination(string Phone, string Country);

/// <summary>
/// Countries SMS codes go to. An entry is a region code (GB), "001" (libphonenumber's region for non-geographic
/// numbers: +800, +870, +881, +882…) or a country calling code (+44 or 44); a number matches by either. An empty
/// <see cref="Allow"/> serves every country except non-geographic numbers, which are served only when Allow names
/// them ("001" or their calling code); <see cref="Deny"/> wins over it.
/// </summary>
public sealed record SmsCountryRules
{
    public static readonly SmsCountryRules Everywhere = new();

    public IReadOnlySet<string> Allow { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> Deny { get; init; } = new HashSet<string>();

    /// <summary>Codes sent per country within <see cref="CountryBudget.Window"/>, unless <see cref="SendsPerHourByRegion"/> says otherwise.</summary>
    public int SendsPerHour { get; init; } = 100;

    public IReadOnlyDictionary<string, int> SendsPerHourByRegion { get; init; } = new Dictionary<string, int>();

    /// <summary>Codes sent to all countries together within <see cref="CountryBudget.Window"/>: a ceiling on what pumping spread over many countries can cost.</summary>
    public int SendsPerHourTotal { get; init; } = 1000;

    /// <summary>
    /// Parses a list like "GB, +44, 1" into normalized entries (upper-case regions, calling codes as "+44"); null
    /// with <paramref name="problem"/> when an entry is neither a known region nor a calling code in use.
    /// </summary>
    public static IReadOnlySet<string>? ParseCountries(string? list, out string? problem)
    {
        problem = null;
        var entries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ParseCountry(raw) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                problem = $"'{raw}' is neither a region code (such as GB) nor a country calling code (such as +44)";
                return null;
            }
        }

        return entries;
    }

    /// <summary>"GB" → "GB", "001" → "001" (non-geographic, not +1), "+44"/"44" → "+44"; null when unknown.</summary>
    public static string? ParseCountry(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry == PhoneNumber.NonGeographicRegion)
        {
            return PhoneNumber.NonGeographicRegion;
        }

        var digits = entry.TrimStart('+');
        if (digits.Length is > 0 and <= 3 && digits.All(char.IsAsciiDigit))
        {
            var code = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            return PhoneNumber.IsKnownCountryCode(code) ? "+" + code.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }

        return entry.Length == 2 && PhoneNumber.IsKnownRegion(entry) ? entry.ToUpperInvariant() : null;
    }
}

/// <summary>
/// Which numbers get SMS codes, and how many each country may be sent per hour. SMS fraud ("pumping") requests codes
/// to numbers the attacker earns from (premium ranges, often one country), so a number must exist, be of a type that
/// takes SMS, be in a served country, and its country must have budget left.
/// </summary>
public sealed class SmsNumberPolicy(SmsCountryRules rules)
{
    /// <summary>
    /// Mobile numbers take SMS; FIXED_LINE_OR_MOBILE is how the metadata marks plans that do not tell the two apart
    /// (all of +1), so refusing it would refuse every North American mobile. VOIP numbers are accepted: many take SMS
    /// and are some people's only number; the fraud this guards against bills premium ranges, not VoIP. Refused:
    /// fixed lines, toll-free, premium-rate, shared-cost, UAN and voicemail (they cannot take SMS or bill the sender),
    /// PERSONAL_NUMBER (follow-me ranges such as UK 070, a known fraud range), PAGER (one-way, mostly gone) and UNKNOWN.
    /// </summary>
    public static bool TakesSms(PhoneNumberType type) =>
        type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE or PhoneNumberType.VOIP;

    public SmsCountryRules Rules => rules;

    /// <summary>The destination for <paramref name="input"/>, or a validation error naming <c>phone</c>.</summary>
    public Outcome<SmsDestination> Check(string? input)
    {
        if (!PhoneNumber.TryParse(input, out var parsed))
        {
            return RoostError.Validation("phone", "A valid phone number in international form, such as +14155552671.");
        }

        if (!TakesSms(parsed.Type))
        {
            return RoostError.Validation("phone", "This number cannot receive SMS codes (a landline, toll-free, premium-rate or similar number). Use a mobile number.");
        }

        if (!IsServed(parsed))
        {
            return RoostError.Validation("phone", "SMS codes are not sent to numbers in this country.");
        }

        return new SmsDestination(parsed.E164, parsed.Region);
    }

    /// <summary>
    /// Non-geographic numbers (region 001: global freephone, Inmarsat, Iridium and other satellite ranges) are a classic
    /// pumping target and rarely anyone's phone, so they need an explicit Allow entry even when Allow is empty.
    /// </summary>
    public bool IsServed(ParsedPhoneNumber number)
    {
        ArgumentNullException.ThrowIfNull(number);
        var code = "+" + number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool Matches(IReadOnlySet<string> list) => list.Contains(number.Region) || list.Contains(code);
        var allowedByDefault = rules.Allow.Count == 0 && number.Region != PhoneNumber.NonGeographicRegion;
        return !Matches(rules.Deny) && (allowedByDefault || Matches(rules.Allow));
    }

    /// <summary>How many codes <paramref name="country"/> may be sent per <see cref="CountryBudget.Window"/>.</summary>
    public CountryBudget BudgetFor(string country) =>
        new(country, rules.SendsPerHourByRegion.TryGetValue(country, out var limit) ? limit : rules.SendsPerHour);

    /// <summary>How many codes all countries together may be sent per <see cref="CountryBudget.Window"/>.</summary>
    public CountryBudget TotalBudget => new(CountryBudget.AllCountries, rules.SendsPerHourTotal);
}

/// <summary>At most <paramref name="Limit"/> codes sent to numbers of <paramref name="Country"/> within any hour.</summary>
public sealed record CountryBudget(string Country, int Limit)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>The <see cref="Country"/> of the budget every country shares (<see cref="SmsNumberPolicy.TotalBudget"/>).</summary>
    public const string AllCountries = "*";

    /// <summary>
    /// Null when one more code may go now; otherwise how long until enough sends leave the window.
    /// <paramref name="sendsInWindow"/>: the country's sends that went out within the last hour, any order.
    /// </summary>
    public TimeSpan? RetryAfter(IReadOnlyList<DateTimeOffset> sendsInWindow, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sendsInWindow);
        var inWindow = sendsInWindow.Where(s => now - s < Window).Order().ToList();
        if (inWindow.Count < Limit)
        {
            return null;
        }

        // With a budget of zero nothing is ever sent; ask again in a window.
        return Limit == 0 ? Window : inWindow[inWindow.Count - Limit] + Window - now;
    }
}
