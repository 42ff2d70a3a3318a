using System.Globalization;
using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    /// <summary>Reports a message you can see; its sender is the one reported. <paramref name="reason"/>: spam, harassment, hate, violence, illegal, other.</summary>
    public Task<ReportCreatedResponse> ReportMessageAsync(long conversationId, long seq, string reason, string? comment = null, CancellationToken cancellationToken = default) =>
        ReportAsync(new CreateReportRequest("message", reason, ConversationId: conversationId, Seq: seq, Comment: comment), cancellationToken);

    public Task<ReportCreatedResponse> ReportAccountAsync(string username, string reason, string? comment = null, CancellationToken cancellationToken = default) =>
        ReportAsync(new CreateReportRequest("account", reason, Username: username, Comment: comment), cancellationToken);

    /// <summary>Sends a report as given; the typed helpers above cover the usual cases.</summary>
    public Task<ReportCreatedResponse> ReportAsync(CreateReportRequest report, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/reports", report, RoostJsonContext.Default.CreateReportRequest, RoostJsonContext.Default.ReportCreatedResponse, cancellationToken);

    /// <summary>Admin: reports by id, oldest first. <paramref name="status"/>: open, resolved or all.</summary>
    public Task<AdminReportListResponse> ListReportsAsync(string status = "open", long after = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Get,
            $"v1/admin/reports?status={Uri.EscapeDataString(status)}&after={after.ToString(CultureInfo.InvariantCulture)}{(limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : "")}",
            RoostJsonContext.Default.AdminReportListResponse,
            cancellationToken);

    public Task<AdminReportResponse> ShowReportAsync(long reportId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/admin/reports/{reportId.ToString(CultureInfo.InvariantCulture)}", RoostJsonContext.Default.AdminReportResponse, cancellationToken);

    /// <summary>Admin: resolves a report as dismissed or actioned; <paramref name="disableAccount"/> also disables the reported account.</summary>
    public Task<AdminReportResponse> ResolveReportAsync(long reportId, string resolution, string? note = null, bool disableAccount = false, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Post,
            $"v1/admin/reports/{reportId.ToString(CultureInfo.InvariantCulture)}/resolve",
            new ResolveReportRequest(resolution, note, disableAccount),
            RoostJsonContext.Default.ResolveReportRequest,
            RoostJsonContext.Default.AdminReportResponse,
            cancellationToken);
}
