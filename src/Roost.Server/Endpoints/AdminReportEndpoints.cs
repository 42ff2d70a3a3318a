using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Delivery;
using Roost.Core.Moderation;
using Roost.Protocol.Rest;
using Roost.Server.Http;

namespace Roost.Server.Endpoints;

/// <summary>The operators' report queue under /v1/admin/reports: list, read, resolve (and disable the reported account).</summary>
internal static class AdminReportEndpoints
{
    /// <summary>Maps onto the admin group, so the admin token guards these like every other admin route.</summary>
    public static void MapAdminReportEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/reports", ListAsync).WithName("AdminListReports")
            .WithSummary("Reports by id, oldest first; 'status' open (default), resolved or all; page with 'after'.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/reports/{reportId:long}", ShowAsync).WithName("AdminShowReport").WithSummary("One report, with the copy of the reported message.");
        admin.MapPost("/reports/{reportId:long}/resolve", ResolveAsync).WithName("AdminResolveReport")
            .WithSummary("Resolve an open report as dismissed or actioned; disableAccount also disables the reported account and revokes its sessions.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<AdminReportListResponse>, ProblemHttpResult>> ListAsync(
        ReportService reports, CancellationToken cancellationToken, string? status = null, long after = 0, int? limit = null)
    {
        var outcome = await reports.ListAsync(status, after, limit, cancellationToken);
        return outcome.IsSuccess
            ? TypedResults.Ok(new AdminReportListResponse(outcome.Value.Reports.Select(ToSummary).ToList(), outcome.Value.NextAfter))
            : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<AdminReportResponse>, ProblemHttpResult>> ShowAsync(long reportId, ReportService reports, CancellationToken cancellationToken)
    {
        var outcome = await reports.GetAsync(reportId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(ToResponse(outcome.Value)) : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<AdminReportResponse>, ProblemHttpResult>> ResolveAsync(
        long reportId, [FromBody] ResolveReportRequest request, ReportService reports, CancellationToken cancellationToken)
    {
        // Not cancelled with the request: an operator's decision commits (with the account disabled) or does not, whole.
        var outcome = await reports.ResolveAsync(reportId, request.Resolution, request.Note, request.DisableAccount, CancellationToken.None);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        return TypedResults.Ok(ToResponse(outcome.Value.Report));
    }

    private static AdminReportSummaryResponse ToSummary(Report report) =>
        new(
            report.Id,
            report.Kind,
            report.Status,
            report.Reason,
            report.ReporterId,
            report.ReporterUsername,
            report.TargetAccountId,
            report.TargetUsername,
            report.Message?.ConversationId,
            report.Message?.Seq,
            report.CreatedAt,
            report.Outcome?.ResolvedAt,
            report.Outcome?.Resolution);

    private static AdminReportResponse ToResponse(Report report) =>
        new(
            report.Id,
            report.Kind,
            report.Status,
            report.Reason,
            report.Comment,
            report.ReporterId,
            report.ReporterUsername,
            report.TargetAccountId,
            report.TargetUsername,
            report.Target.DisabledAt,
            report.Target.Deleted,
            report.Message is { } message
                ? new ReportedMessageResponse(message.ConversationId, message.ConversationKind, message.ConversationTitle, message.Seq, message.Body, message.SentAt, message.EditedAt, message.ReplyTo)
                : null,
            report.CreatedAt,
            report.Outcome?.Resolution,
            report.Outcome?.Note,
            report.Outcome?.ResolvedBy,
            report.Outcome?.ResolvedAt);
}
