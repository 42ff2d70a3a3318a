using System.Globalization;
using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    /// <summary>The one direct conversation with <paramref name="username"/>, created on first use.</summary>
    public Task<ConversationResponse> CreateDirectAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/conversations/direct", new CreateDirectRequest(username), RoostJsonContext.Default.CreateDirectRequest, RoostJsonContext.Default.ConversationResponse, cancellationToken);

    public Task<ConversationResponse> CreateGroupAsync(string title, IReadOnlyList<string> usernames, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/conversations/groups", new CreateGroupRequest(title, usernames), RoostJsonContext.Default.CreateGroupRequest, RoostJsonContext.Default.ConversationResponse, cancellationToken);

    public Task<ConversationListResponse> GetConversationsAsync(long after = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/conversations?after={after}{(limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : "")}", RoostJsonContext.Default.ConversationListResponse, cancellationToken);

    public Task<ConversationResponse> GetConversationAsync(long conversationId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/conversations/{conversationId}", RoostJsonContext.Default.ConversationResponse, cancellationToken);

    public Task<ConversationResponse> RenameConversationAsync(long conversationId, string title, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"v1/conversations/{conversationId}", new RenameConversationRequest(title), RoostJsonContext.Default.RenameConversationRequest, RoostJsonContext.Default.ConversationResponse, cancellationToken);

    public Task<ConversationResponse> AddMembersAsync(long conversationId, IReadOnlyList<string> usernames, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/conversations/{conversationId}/members", new AddMembersRequest(usernames), RoostJsonContext.Default.AddMembersRequest, RoostJsonContext.Default.ConversationResponse, cancellationToken);

    public Task RemoveMemberAsync(long conversationId, long accountId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/conversations/{conversationId}/members/{accountId}", cancellationToken);

    public Task LeaveConversationAsync(long conversationId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/conversations/{conversationId}/leave", cancellationToken);

    /// <summary>Owner only: <c>admin</c>, <c>member</c>, or <c>owner</c> to transfer ownership.</summary>
    public Task<ConversationResponse> SetRoleAsync(long conversationId, long accountId, string role, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"v1/conversations/{conversationId}/members/{accountId}/role", new SetRoleRequest(role), RoostJsonContext.Default.SetRoleRequest, RoostJsonContext.Default.ConversationResponse, cancellationToken);

    /// <summary>Sends over REST; answered after commit. A repeated client id returns the first ack with <c>Duplicate</c> set.</summary>
    public Task<SendAck> SendMessageAsync(long conversationId, string body, string? clientId = null, long? replyTo = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/conversations/{conversationId}/messages", new SendMessageRequest(clientId ?? Guid.NewGuid().ToString("N"), body, replyTo), RoostJsonContext.Default.SendMessageRequest, RoostJsonContext.Default.SendAck, cancellationToken);

    /// <summary>History, ascending. <paramref name="before"/> pages back from a seq; <paramref name="after"/> pages forward.</summary>
    public Task<MessagePageResponse> GetMessagesAsync(long conversationId, long? before = null, long? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (before is { } b)
        {
            query.Add("before=" + b.ToString(CultureInfo.InvariantCulture));
        }

        if (after is { } a)
        {
            query.Add("after=" + a.ToString(CultureInfo.InvariantCulture));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        var path = $"v1/conversations/{conversationId}/messages" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync(HttpMethod.Get, path, RoostJsonContext.Default.MessagePageResponse, cancellationToken);
    }

    public async Task<IReadOnlyList<PresenceResponse>> GetPresenceAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "v1/presence", RoostJsonContext.Default.PresenceListResponse, cancellationToken)).Presence;

    public Task SetPresenceHiddenAsync(bool hidden, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/account/presence", new PresenceSettingsRequest(hidden), RoostJsonContext.Default.PresenceSettingsRequest, cancellationToken);

    /// <summary>Connects the real-time API with this client's token.</summary>
    public Task<Realtime.RoostConnection> ConnectAsync(long? syncFrom = null, CancellationToken cancellationToken = default) =>
        Realtime.RoostConnection.ConnectAsync(
            BaseAddress ?? throw new InvalidOperationException("The client has no base address."),
            AccessToken ?? throw new InvalidOperationException("Log in first."),
            syncFrom,
            cancellationToken: cancellationToken);
}
