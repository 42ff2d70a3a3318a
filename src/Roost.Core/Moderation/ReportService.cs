using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Storage;

namespace Roost.Core.Moderation;

/// <summary>Users report messages and accounts; operators list, read and resolve the reports. Input is checked here, the rest in the store's transaction.</summary>
public sealed class ReportService(IRoostStore store, TimeProvider time, ReportLimits limits, IConnectionCloser connections)
{
    /// <summary>The one who resolves through the admin API: its token carries no identity.</summary>
    public const string AdminActor = "admin";

    public async Task<Outcome<ReportReceipt>> ReportAsync(
        long reporterId, string? kind, long? conversationId, long? seq, string? username, long? accountId, string? reason, string? comment, CancellationToken cancellationToken)
    {
        if (ReportRules.ValidateRequest(kind, conversationId, seq, username, accountId, reason, comment) is { } invalid)
        {
            return invalid;
        }

        long? targetId = accountId;
        if (kind == ReportKinds.Account && username is not null)
        {
            var target = Username.Validate(username) is null ? await store.Accounts.FindByUsernameAsync(Username.Normalize(username), cancellationToken) : null;
            if (target is null)
            {
                return RoostError.NotFound("The user");
            }

            targetId = target.Id;
        }

        var report = new NewReport(reporterId, kind!, targetId, conversationId, seq, reason!, ReportRules.Normalize(comment), time.GetStoredNow());
        return await store.Reports.CreateAsync(report, limits, cancellationToken);
    }

    public async Task<Outcome<ReportPage>> ListAsync(string? status, long after, int? limit, CancellationToken cancellationToken)
    {
        var filter = ReportRules.ParseStatusFilter(status);
        if (!filter.IsSuccess)
        {
            return filter.Error;
        }

        return await store.Reports.ListAsync(filter.Value, Math.Max(0, after), Math.Clamp(limit ?? 50, 1, limits.MaxPage), cancellationToken);
    }

    public async Task<Outcome<Report>> GetAsync(long reportId, CancellationToken cancellationToken) =>
        await store.Reports.FindAsync(reportId, cancellationToken) is { } report ? report : RoostError.NotFound("The report");

    /// <summary>Resolves a report; when the decision disables the account, its sessions are gone and its live connections close.</summary>
    public async Task<Outcome<ResolvedReport>> ResolveAsync(long reportId, string? resolution, string? note, bool disableAccount, CancellationToken cancellationToken)
    {
        if (ReportRules.ValidateDecision(resolution, note, disableAccount) is { } invalid)
        {
            return invalid;
        }

        var outcome = await store.Reports.ResolveAsync(reportId, new ReportDecision(resolution!, ReportRules.Normalize(note), disableAccount, AdminActor, time.GetStoredNow()), cancellationToken);
        if (outcome.IsSuccess && outcome.Value.AccountDisabled)
        {
            connections.CloseConnections(outcome.Value.Report.TargetAccountId, deviceId: null);
        }

        return outcome;
    }
}
