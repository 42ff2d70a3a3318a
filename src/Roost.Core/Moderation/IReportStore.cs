using Roost.Core.Errors;

namespace Roost.Core.Moderation;

/// <summary>
/// Reports and their review. Creating one checks, in its transaction, who may report the target
/// (<see cref="ReportRules.CanReportMessage"/>, <see cref="ReportRules.CanReportAccount"/>), repeats and the limits,
/// and copies the reported message into the report.
/// </summary>
public interface IReportStore
{
    /// <summary>Records the report, or answers with the reporter's open report of the same target (<see cref="ReportReceipt.Duplicate"/>).</summary>
    Task<Outcome<ReportReceipt>> CreateAsync(NewReport report, ReportLimits limits, CancellationToken cancellationToken);

    /// <summary>Reports by id after <paramref name="afterId"/>, oldest first; <paramref name="status"/> null for every status.</summary>
    Task<ReportPage> ListAsync(string? status, long afterId, int limit, CancellationToken cancellationToken);

    Task<Report?> FindAsync(long reportId, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves an open report and, when the decision says so, disables the reported account (revoking every
    /// session) in the same transaction. <c>not_found</c> for no such report, <c>report_already_resolved</c> for a closed one.
    /// </summary>
    Task<Outcome<ResolvedReport>> ResolveAsync(long reportId, ReportDecision decision, CancellationToken cancellationToken);
}
