namespace Roost.Core.Moderation;

public static class ReportKinds
{
    public const string Message = "message";
    public const string Account = "account";

    public static bool IsKnown(string? kind) => kind is Message or Account;
}

/// <summary>Why a user reports: a fixed set, so operators can sort and count the queue.</summary>
public static class ReportReasons
{
    public const string Spam = "spam";
    public const string Harassment = "harassment";
    public const string Hate = "hate";
    public const string Violence = "violence";
    public const string Illegal = "illegal";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Spam, Harassment, Hate, Violence, Illegal, Other];
}

public static class ReportStatuses
{
    public const string Open = "open";
    public const string Resolved = "resolved";

    /// <summary>A list filter only: open and resolved reports together.</summary>
    public const string All = "all";
}

public static class ReportResolutions
{
    /// <summary>Reviewed; nothing needed doing.</summary>
    public const string Dismissed = "dismissed";

    /// <summary>Reviewed and acted on (the account disabled, or something done outside Roost).</summary>
    public const string Actioned = "actioned";

    public static bool IsKnown(string? resolution) => resolution is Dismissed or Actioned;
}

/// <summary>
/// A report as operators review it. Usernames and the message are copies taken when the report was made: they stay
/// as they were whatever the accounts or the sender do later.
/// </summary>
public sealed record Report(
    long Id,
    string Kind,
    string Reason,
    string? Comment,
    long ReporterId,
    string ReporterUsername,
    long TargetAccountId,
    string TargetUsername,
    ReportedMessage? Message,
    DateTimeOffset CreatedAt,
    ReportOutcome? Outcome,
    TargetState Target)
{
    /// <summary>Stands for the sender's username when their account was deleted before the report was made.</summary>
    public const string DeletedUsername = "(deleted account)";

    public string Status => Outcome is null ? ReportStatuses.Open : ReportStatuses.Resolved;
}

/// <summary>The reported message as it was when the report was made.</summary>
public sealed record ReportedMessage(
    long ConversationId,
    string ConversationKind,
    string? ConversationTitle,
    long Seq,
    string Body,
    DateTimeOffset SentAt,
    DateTimeOffset? EditedAt,
    long? ReplyTo);

/// <summary>How and when an operator closed a report.</summary>
public sealed record ReportOutcome(string Resolution, string? Note, string ResolvedBy, DateTimeOffset ResolvedAt);

/// <summary>The reported account as it is now (not a copy): whether it is disabled, or gone.</summary>
public sealed record TargetState(bool Deleted, DateTimeOffset? DisabledAt);

/// <summary>What a user asks to report, checked by <see cref="ReportRules.ValidateNew"/>.</summary>
public sealed record NewReport(
    long ReporterId,
    string Kind,
    long? TargetAccountId,
    long? ConversationId,
    long? Seq,
    string Reason,
    string? Comment,
    DateTimeOffset Now);

/// <summary>The answer to a report: its id, and whether it repeats an open report of the same target by the same user.</summary>
public sealed record ReportReceipt(long Id, DateTimeOffset CreatedAt, bool Duplicate);

/// <summary>An operator's decision on a report.</summary>
public sealed record ReportDecision(string Resolution, string? Note, bool DisableAccount, string ResolvedBy, DateTimeOffset Now);

/// <summary>A resolved report, and whether resolving it disabled the reported account (so its connections must close).</summary>
public sealed record ResolvedReport(Report Report, bool AccountDisabled);

public sealed record ReportPage(IReadOnlyList<Report> Reports, long? NextAfter);
