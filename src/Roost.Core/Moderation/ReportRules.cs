using Roost.Core.Conversations;
using Roost.Core.Errors;
using Roost.Core.Messaging;

namespace Roost.Core.Moderation;

/// <summary>
/// What a report may say, who may report what, how much, and how a report is closed. The store asks the
/// authorization and limit rules inside the transaction that records the report, so they see the state it writes to.
/// </summary>
public static class ReportRules
{
    public const int MaxCommentLength = 1000;
    public const int MaxNoteLength = 1000;

    /// <summary>Checks the shape of a report request: a known kind with exactly its target members, a known reason, a bounded comment.</summary>
    public static RoostError? ValidateRequest(string? kind, long? conversationId, long? seq, string? username, long? accountId, string? reason, string? comment)
    {
        var errors = new FieldErrors();
        switch (kind)
        {
            case ReportKinds.Message:
                if (conversationId is not > 0)
                {
                    errors.Add("conversationId", "A message report names the conversation (conversationId).");
                }

                if (seq is not > 0)
                {
                    errors.Add("seq", "A message report names the message by its sequence number (seq).");
                }

                if (username is not null || accountId is not null)
                {
                    errors.Add("username", "A message report names no account: the sender is the one reported.");
                }

                break;
            case ReportKinds.Account:
                if ((username is null) == (accountId is null))
                {
                    errors.Add("username", "An account report names the account by username or by accountId (one of them).");
                }

                if (accountId is <= 0)
                {
                    errors.Add("accountId", "accountId is an account's id.");
                }

                if (conversationId is not null || seq is not null)
                {
                    errors.Add("conversationId", "An account report names no message; report the message instead.");
                }

                break;
            default:
                errors.Add("kind", "kind is 'message' or 'account'.");
                break;
        }

        errors.AddIfPresent("reason", ValidateReason(reason));
        errors.AddIfPresent("comment", ValidateText(comment, MaxCommentLength, "A comment"));
        return errors.Any ? errors.ToError() : null;
    }

    public static string? ValidateReason(string? reason) =>
        reason is not null && ReportReasons.All.Contains(reason, StringComparer.Ordinal)
            ? null
            : $"reason is one of: {string.Join(", ", ReportReasons.All)}.";

    /// <summary>Free text an operator reads: bounded, and without control characters other than line breaks and tabs.</summary>
    public static string? ValidateText(string? text, int maxLength, string what)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > maxLength)
        {
            return $"{what} has at most {maxLength} characters.";
        }

        return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? $"{what} may not contain control characters other than line breaks and tabs."
            : null;
    }

    /// <summary>An empty or blank comment or note is no comment.</summary>
    public static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static RoostError? CanReportAccount(long reporterId, long targetAccountId) =>
        reporterId == targetAccountId ? CannotReportSelf("You cannot report your own account.") : null;

    /// <summary>
    /// A user reports a message they can see: a member (or former member) whose window covers it. Non-members are
    /// told <c>not_a_member</c> whether or not the conversation exists, as everywhere else.
    /// </summary>
    public static RoostError? CanReportMessage(long reporterId, Member? reporter, Message? message)
    {
        if (reporter is null)
        {
            return ConversationRules.NotAMember();
        }

        if (message is null || !reporter.CanSee(message.Seq))
        {
            return MessageRules.MessageNotFound();
        }

        if (message.DeletedAt is not null || message.Body is null)
        {
            return new RoostError(ErrorKind.Conflict, MessagingErrorCodes.MessageDeleted, "That message was deleted; report its sender's account instead.");
        }

        return message.SenderId == reporterId ? CannotReportSelf("You cannot report your own message.") : null;
    }

    /// <summary>The per-reporter bounds: open reports at most <see cref="ReportLimits.MaxOpenPerReporter"/>, and a window rate.</summary>
    public static RoostError? CheckLimits(ReporterActivity activity, ReportLimits limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(limits);
        if (activity.Open >= limits.MaxOpenPerReporter)
        {
            return new RoostError(
                ErrorKind.RateLimited,
                ReportErrorCodes.TooManyOpenReports,
                $"You have {activity.Open} reports waiting for review, the most allowed; more can be made once operators have reviewed some.");
        }

        if (activity.InWindow >= limits.MaxPerWindow)
        {
            var oldest = activity.OldestInWindow ?? now;
            var wait = oldest + limits.Window - now;
            return RoostError.RateLimited(wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1), "Too many reports for now. Try again later.");
        }

        return null;
    }

    /// <summary>Reports made after this count against <see cref="ReportLimits.MaxPerWindow"/> (<see cref="ReporterActivity.InWindow"/>).</summary>
    public static DateTimeOffset WindowStart(ReportLimits limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return now - limits.Window;
    }

    /// <summary>
    /// A page of the operators' list from up to <paramref name="limit"/> + 1 rows in id order: the extra row only says
    /// there is more, and the next page starts after the last one shown.
    /// </summary>
    public static ReportPage Page(List<Report> rows, int limit)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Count > limit ? new ReportPage(rows.GetRange(0, limit), rows[limit - 1].Id) : new ReportPage(rows, null);
    }

    /// <summary>Checks an operator's decision before anything is loaded.</summary>
    public static RoostError? ValidateDecision(string? resolution, string? note, bool disableAccount)
    {
        var errors = new FieldErrors();
        if (!ReportResolutions.IsKnown(resolution))
        {
            errors.Add("resolution", "resolution is 'dismissed' or 'actioned'.");
        }
        else if (disableAccount && resolution != ReportResolutions.Actioned)
        {
            errors.Add("disableAccount", "Disabling the account is an action: resolve as 'actioned'.");
        }

        errors.AddIfPresent("note", ValidateText(note, MaxNoteLength, "A note"));
        return errors.Any ? errors.ToError() : null;
    }

    /// <summary>A report is resolved once; a resolved report stays as it was decided.</summary>
    public static RoostError? CanResolve(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Outcome is { } outcome
            ? new RoostError(
                ErrorKind.Conflict,
                ReportErrorCodes.AlreadyResolved,
                $"That report was already resolved ({outcome.Resolution}) at {outcome.ResolvedAt:u}.")
            : null;
    }

    /// <summary>The list filter: open (the default), resolved, or all (returned as null).</summary>
    public static Outcome<string?> ParseStatusFilter(string? status) => status switch
    {
        null or "" or ReportStatuses.Open => ReportStatuses.Open,
        ReportStatuses.Resolved => ReportStatuses.Resolved,
        ReportStatuses.All => Outcome<string?>.Success(null),
        _ => RoostError.Validation("status", "status is 'open', 'resolved' or 'all'."),
    };

    private static RoostError CannotReportSelf(string message) => new(ErrorKind.Validation, ReportErrorCodes.CannotReportSelf, message);
}

public static class ReportErrorCodes
{
    public const string CannotReportSelf = "cannot_report_self";
    public const string TooManyOpenReports = "too_many_open_reports";
    public const string AlreadyResolved = "report_already_resolved";
}
