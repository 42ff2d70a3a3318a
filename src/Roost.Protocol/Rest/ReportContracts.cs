namespace Roost.Protocol.Rest;

/// <summary>
/// POST /v1/reports. <c>kind</c> "message" names <see cref="ConversationId"/> and <see cref="Seq"/>; "account" names
/// <see cref="Username"/> or <see cref="AccountId"/>. <c>reason</c>: spam, harassment, hate, violence, illegal, other.
/// </summary>
public sealed record CreateReportRequest(
    string? Kind,
    string? Reason,
    long? ConversationId = null,
    long? Seq = null,
    string? Username = null,
    long? AccountId = null,
    string? Comment = null);

/// <summary>The answer to a report: 201 when new; 200 with <see cref="Duplicate"/> when the caller's open report of the same target is answered again.</summary>
public sealed record ReportCreatedResponse(long Id, string Status, DateTimeOffset CreatedAt, bool Duplicate);

/// <summary>POST /v1/admin/reports/{id}/resolve. <c>resolution</c>: dismissed or actioned; <see cref="DisableAccount"/> needs actioned.</summary>
public sealed record ResolveReportRequest(string? Resolution, string? Note = null, bool DisableAccount = false);

/// <summary>A report in the operators' list (GET /v1/admin/reports); the message and comment are in the full report.</summary>
public sealed record AdminReportSummaryResponse(
    long Id,
    string Kind,
    string Status,
    string Reason,
    long ReporterId,
    string ReporterUsername,
    long TargetAccountId,
    string TargetUsername,
    long? ConversationId,
    long? Seq,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    string? Resolution);

public sealed record AdminReportListResponse(IReadOnlyList<AdminReportSummaryResponse> Reports, long? NextAfter);

/// <summary>
/// One report with everything an operator reviews. <see cref="Message"/> is the copy taken when the report was made;
/// <see cref="TargetDisabledAt"/> and <see cref="TargetDeleted"/> are the reported account as it is now.
/// </summary>
public sealed record AdminReportResponse(
    long Id,
    string Kind,
    string Status,
    string Reason,
    string? Comment,
    long ReporterId,
    string ReporterUsername,
    long TargetAccountId,
    string TargetUsername,
    DateTimeOffset? TargetDisabledAt,
    bool TargetDeleted,
    ReportedMessageResponse? Message,
    DateTimeOffset CreatedAt,
    string? Resolution,
    string? ResolutionNote,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt);

/// <summary>The reported message as it was when reported; the sender is the report's target.</summary>
public sealed record ReportedMessageResponse(
    long ConversationId,
    string ConversationKind,
    string? ConversationTitle,
    long Seq,
    string Body,
    DateTimeOffset SentAt,
    DateTimeOffset? EditedAt,
    long? ReplyTo);
