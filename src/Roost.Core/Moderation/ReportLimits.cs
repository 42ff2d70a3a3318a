namespace Roost.Core.Moderation;

/// <summary>
/// How much one account may report, so reporting cannot flood the operators' queue; bound from <c>Roost:Moderation</c>.
/// Both limits count against the reporter; a repeat of an open report counts nothing.
/// </summary>
public sealed record ReportLimits
{
    /// <summary>Reports of one account that may wait for review at once.</summary>
    public int MaxOpenPerReporter { get; init; } = 20;

    /// <summary>Reports one account may make within <see cref="Window"/>.</summary>
    public int MaxPerWindow { get; init; } = 10;

    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest page of the operators' list.</summary>
    public int MaxPage { get; init; } = 100;
}

/// <summary>What the limits look at, loaded in the transaction that records the report.</summary>
/// <param name="Open">The reporter's reports not yet resolved.</param>
/// <param name="InWindow">The reporter's reports made after <c>now - Window</c>.</param>
/// <param name="OldestInWindow">When the oldest of those was made; null when there are none.</param>
public sealed record ReporterActivity(int Open, int InWindow, DateTimeOffset? OldestInWindow);
