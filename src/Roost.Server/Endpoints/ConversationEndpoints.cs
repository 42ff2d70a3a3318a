using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;

namespace Roost.Server.Endpoints;

/// <summary>Direct conversations and groups: create, list, read, manage members.</summary>
internal static class ConversationEndpoints
{
    public static void MapConversationEndpoints(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/conversations").RequireAuthorization().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/direct", CreateDirectAsync).WithName("CreateDirect").WithSummary("The one direct conversation with a user, created on first use.");
        group.MapPost("/groups", CreateGroupAsync).WithName("CreateGroup").WithSummary("Create a group; the caller is its owner.");
        group.MapGet("", ListAsync).WithName("ListConversations").WithSummary("The caller's conversations with unread counts and last message, by id; page with 'after'.");
        group.MapGet("/{conversationId:long}", GetAsync).WithName("GetConversation");
        group.MapPatch("/{conversationId:long}", RenameAsync).WithName("RenameConversation").WithSummary("Rename a group (owner or admin).");
        group.MapPost("/{conversationId:long}/members", AddMembersAsync).WithName("AddMembers").WithSummary("Add members to a group (owner or admin).");
        group.MapDelete("/{conversationId:long}/members/{accountId:long}", RemoveMemberAsync).WithName("RemoveMember").WithSummary("Remove a member (owner: anyone; admin: members). Removing yourself is leaving.");
        group.MapPost("/{conversationId:long}/leave", LeaveAsync).WithName("LeaveConversation").WithSummary("Leave a group; an owner must transfer ownership first.");
        group.MapPut("/{conversationId:long}/members/{accountId:long}/role", SetRoleAsync).WithName("SetMemberRole").WithSummary("Owner only: make a member admin or member, or transfer ownership with 'owner'.");
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> CreateDirectAsync(
        [FromBody] CreateDirectRequest request, ConversationService conversations, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await conversations.CreateDirectAsync(context.Caller().AccountId, request.Username, cancellationToken));

    /// <summary>Always creates, so 201 with a Location (a direct conversation is found-or-created, so it answers 200).</summary>
    private static async Task<Results<Created<ConversationResponse>, ProblemHttpResult>> CreateGroupAsync(
        [FromBody] CreateGroupRequest request, ConversationService conversations, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await conversations.CreateGroupAsync(context.Caller().AccountId, request.Title, request.Members, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        var created = outcome.Value.ToResponse();
        return TypedResults.Created($"/v1/conversations/{created.Id}", created);
    }

    private static async Task<Ok<ConversationListResponse>> ListAsync(
        ConversationService conversations, HttpContext context, CancellationToken cancellationToken, long after = 0, int? limit = null)
    {
        var page = await conversations.ListAsync(context.Caller().AccountId, after, limit, cancellationToken);
        return TypedResults.Ok(new ConversationListResponse(page.Conversations.Select(c => c.ToResponse()).ToList(), page.NextAfter, page.Cursor));
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> GetAsync(
        long conversationId, ConversationService conversations, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await conversations.GetAsync(context.Caller().AccountId, conversationId, cancellationToken));

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> RenameAsync(
        long conversationId, [FromBody] RenameConversationRequest request, ConversationService conversations, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await conversations.RenameAsync(context.Caller().AccountId, conversationId, request.Title, cancellationToken));

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> AddMembersAsync(
        long conversationId, [FromBody] AddMembersRequest request, ConversationService conversations, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await conversations.AddMembersAsync(context.Caller().AccountId, conversationId, request.Usernames, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        long conversationId, long accountId, ConversationService conversations, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await conversations.RemoveMemberAsync(context.Caller().AccountId, conversationId, accountId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : Problems.From(outcome.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LeaveAsync(
        long conversationId, ConversationService conversations, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await conversations.LeaveAsync(context.Caller().AccountId, conversationId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> SetRoleAsync(
        long conversationId, long accountId, [FromBody] SetRoleRequest request, ConversationService conversations, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await conversations.SetRoleAsync(context.Caller().AccountId, conversationId, accountId, request.Role, cancellationToken));

    private static Results<Ok<ConversationResponse>, ProblemHttpResult> Answer(Core.Errors.Outcome<ConversationView> outcome) =>
        outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
}
