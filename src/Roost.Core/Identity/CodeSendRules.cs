namespace Roost.Core.Identity;

/// <summary>
/// The sends the limits look at, loaded in the transaction that records the new one: by budget key and by IP since
/// <see cref="CodeSendRules.ThrottleSince"/>, by country and in total since <see cref="CodeSendRules.BudgetSince"/>
/// (released sends have no country and count in neither). <see cref="Total"/> may hold only the newest
/// <see cref="CountryBudget.Limit"/> sends: that is all <see cref="CountryBudget.RetryAfter"/> needs.
/// </summary>
public sealed record SendHistory(
    IReadOnlyList<DateTimeOffset> ByBudget,
    IReadOnlyList<DateTimeOffset> ByIp,
    IReadOnlyList<DateTimeOffset> ByCountry,
    IReadOnlyList<DateTimeOffset> Total);

/// <summary>
/// Whether a code may be sent now, what a new code inherits, and how long the bookkeeping is kept. Engines load what
/// these ask for inside their write transaction, so parallel requests cannot slip past the limits.
/// </summary>
public static class CodeSendRules
{
    /// <summary>The per-number and per-IP throttles look back a day (<see cref="SendThrottle.Memory"/>).</summary>
    public static DateTimeOffset ThrottleSince(DateTimeOffset now) => now - SendThrottle.Memory;

    /// <summary>The country budgets look back one <see cref="CountryBudget.Window"/>.</summary>
    public static DateTimeOffset BudgetSince(DateTimeOffset now) => now - CountryBudget.Window;

    /// <summary>Sends and codes older than this are pruned as new ones arrive: nothing the limits need outlives a day.</summary>
    public static DateTimeOffset PruneBefore(DateTimeOffset now) => now - SendThrottle.Memory;

    /// <summary>Null when every limit allows a send now; otherwise the longest wait any of them asks for.</summary>
    public static TimeSpan? RetryAfter(SendHistory history, SendThrottle perBudget, SendThrottle perIp, CountryBudget perCountry, CountryBudget total, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(perBudget);
        ArgumentNullException.ThrowIfNull(perIp);
        ArgumentNullException.ThrowIfNull(perCountry);
        ArgumentNullException.ThrowIfNull(total);
        TimeSpan?[] waits =
        [
            perBudget.RetryAfter(history.ByBudget, now),
            perIp.RetryAfter(history.ByIp, now),
            perCountry.RetryAfter(history.ByCountry, now),
            total.RetryAfter(history.Total, now),
        ];
        return waits.Max();
    }

    /// <summary>
    /// The attempts a code starts with when it retires the live codes of every purpose (<see cref="NewCode.RetireAllPurposes"/>:
    /// codes are checked per number only): the most any of them used, so asking for a new code does not buy fresh
    /// guesses. A code that retires only its own purpose starts at zero, and its engine loads nothing for this.
    /// </summary>
    public static int InheritedAttempts(IEnumerable<int> liveCodeAttempts)
    {
        ArgumentNullException.ThrowIfNull(liveCodeAttempts);
        return liveCodeAttempts.DefaultIfEmpty(0).Max();
    }
}
