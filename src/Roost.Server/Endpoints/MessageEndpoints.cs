using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;

namespace Roost.Server.Endpoints;

/// <summary>REST equivalents of the WebSocket send, and paged history.</summary>
internal static class MessageEndpoints
{
    public static void MapMessageEndpoints(this RouteGroupBuilder v1)
    {
        var messages = v1.MapGroup("/conversations/{conversationId:long}/messages").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        messages.MapPost("", SendAsync).WithName("SendMessage")
            .WithSummary("Send a message; answered after it is committed. Repeating a client id returns the first ack (200, duplicate: true).");
        messages.MapGet("", HistoryAsync).WithName("GetHistory")
            .WithSummary("Messages the caller may see, ascending by seq. 'before' pages older history, 'after' newer; at most 'limit' (default 50).");
    }

    private static async Task<Results<Created<SendAck>, Ok<SendAck>, ProblemHttpResult>> SendAsync(
        long conversationId, [FromBody] SendMessageRequest request, MessagingService messaging, HttpContext context, CancellationToken cancellationToken)
    {
        // Not cancelled with the request: once queued, a send commits whether or not the client waits for the answer.
        var outcome = await messaging.SendAsync(context.Caller().AccountId, conversationId, request.ClientId, request.Body, request.ReplyTo, request.Attachments, CancellationToken.None);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        var result = outcome.Value;
        var ack = new SendAck(result.ConversationId, result.Seq, result.ClientId, result.SentAt, result.Duplicate);
        return result.Duplicate
            ? TypedResults.Ok(ack)
            : TypedResults.Created($"/v1/conversations/{conversationId}/messages?after={result.Seq - 1}&limit=1", ack);
    }

    private static async Task<Results<Ok<MessagePageResponse>, ProblemHttpResult>> HistoryAsync(
        long conversationId, MessagingService messaging, HttpContext context, CancellationToken cancellationToken, long? before = null, long? after = null, int? limit = null)
    {
        if (before is not null && after is not null)
        {
            return Problems.From(RoostError.Validation("before", "Use either before or after, not both."));
        }

        var outcome = await messaging.HistoryAsync(context.Caller().AccountId, conversationId, before, after, limit, cancellationToken);
        return outcome.IsSuccess
            ? TypedResults.Ok(new MessagePageResponse(outcome.Value.Messages.Select(m => m.ToResponse()).ToList(), outcome.Value.HasMore))
            : Problems.From(outcome.Error);
    }
}
