using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Moderation;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;

namespace Roost.Server.Endpoints;

/// <summary>Users report a message they can see or another account, for operators to review.</summary>
internal static class ReportEndpoints
{
    public static void MapReportEndpoints(this RouteGroupBuilder v1) =>
        v1.MapPost("/reports", ReportAsync).RequireAuthorization().WithName("CreateReport")
            .WithSummary("Report a message you can see, or another account. Repeating an open report answers 200 with duplicate: true.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<Results<Created<ReportCreatedResponse>, Ok<ReportCreatedResponse>, ProblemHttpResult>> ReportAsync(
        [FromBody] CreateReportRequest request, ReportService reports, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await reports.ReportAsync(
            context.Caller().AccountId, request.Kind, request.ConversationId, request.Seq, request.Username, request.AccountId, request.Reason, request.Comment, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        var receipt = outcome.Value;
        var response = new ReportCreatedResponse(receipt.Id, ReportStatuses.Open, receipt.CreatedAt, receipt.Duplicate);

        // No Location: a reporter cannot read reports back; operators do, through the admin API.
        return receipt.Duplicate ? TypedResults.Ok(response) : TypedResults.Created((string?)null, response);
    }
}
