using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Storage;

namespace Roost.Core.Conversations;

/// <summary>Starting conversations and managing groups. Input is checked here; role rules are checked by the store in the write transaction.</summary>
public sealed class ConversationService(IRoostStore store, TimeProvider time, MessagingLimits limits)
{
    public async Task<Outcome<ConversationView>> CreateDirectAsync(long callerId, string? username, CancellationToken cancellationToken)
    {
        var other = await ResolveAsync([username], "username", cancellationToken);
        if (!other.IsSuccess)
        {
            return other.Error;
        }

        return other.Value[0] == callerId
            ? RoostError.Validation("username", "A direct conversation is with someone else.")
            : await store.Conversations.GetOrCreateDirectAsync(callerId, other.Value[0], time.GetStoredNow(), cancellationToken);
    }

    public async Task<Outcome<ConversationView>> CreateGroupAsync(long callerId, string? title, IReadOnlyList<string>? usernames, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIfPresent("title", ConversationRules.ValidateTitle(title));
        if (usernames is { Count: > 0 } && usernames.Count >= limits.MaxGroupMembers)
        {
            errors.Add("members", $"A group has at most {limits.MaxGroupMembers} members.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var members = await ResolveAsync(usernames ?? [], "members", cancellationToken);
        if (!members.IsSuccess)
        {
            return members.Error;
        }

        var others = members.Value.Where(id => id != callerId).Distinct().ToList();
        return await store.Conversations.CreateGroupAsync(callerId, title!.Trim(), others, limits.MaxGroupMembers, time.GetStoredNow(), cancellationToken);
    }

    public async Task<Outcome<ConversationView>> AddMembersAsync(long callerId, long conversationId, IReadOnlyList<string>? usernames, CancellationToken cancellationToken)
    {
        if (usernames is null || usernames.Count == 0)
        {
            return RoostError.Validation("usernames", "Name at least one user to add.");
        }

        if (usernames.Count > limits.MaxGroupMembers)
        {
            return RoostError.Validation("usernames", $"A group has at most {limits.MaxGroupMembers} members.");
        }

        var members = await ResolveAsync(usernames, "usernames", cancellationToken);
        return members.IsSuccess
            ? await store.Conversations.AddMembersAsync(conversationId, callerId, members.Value.Distinct().ToList(), limits.MaxGroupMembers, time.GetStoredNow(), cancellationToken)
            : members.Error;
    }

    public Task<Outcome<Done>> RemoveMemberAsync(long callerId, long conversationId, long accountId, CancellationToken cancellationToken) =>
        store.Conversations.RemoveMemberAsync(conversationId, callerId, accountId, time.GetStoredNow(), cancellationToken);

    public Task<Outcome<Done>> LeaveAsync(long callerId, long conversationId, CancellationToken cancellationToken) =>
        store.Conversations.RemoveMemberAsync(conversationId, callerId, callerId, time.GetStoredNow(), cancellationToken);

    public async Task<Outcome<ConversationView>> RenameAsync(long callerId, long conversationId, string? title, CancellationToken cancellationToken) =>
        ConversationRules.ValidateTitle(title) is { } problem
            ? RoostError.Validation("title", problem)
            : await store.Conversations.RenameAsync(conversationId, callerId, title!.Trim(), time.GetStoredNow(), cancellationToken);

    public async Task<Outcome<ConversationView>> SetRoleAsync(long callerId, long conversationId, long accountId, string? role, CancellationToken cancellationToken) =>
        MemberRoles.IsKnown(role)
            ? await store.Conversations.SetRoleAsync(conversationId, callerId, accountId, role!, time.GetStoredNow(), cancellationToken)
            : RoostError.Validation("role", "A role is owner, admin or member.");

    public async Task<Outcome<ConversationView>> GetAsync(long callerId, long conversationId, CancellationToken cancellationToken) =>
        await store.Conversations.GetAsync(conversationId, callerId, cancellationToken) is { } view
            ? view
            : ConversationRules.NotAMember();

    public Task<ConversationPage> ListAsync(long callerId, long afterId, int? limit, CancellationToken cancellationToken) =>
        store.Conversations.ListAsync(callerId, afterId, Math.Clamp(limit ?? 50, 1, limits.MaxConversationPage), cancellationToken);

    private async Task<Outcome<IReadOnlyList<long>>> ResolveAsync(IReadOnlyList<string?> usernames, string field, CancellationToken cancellationToken)
    {
        var ids = new List<long>(usernames.Count);
        var unknown = new List<string>();
        foreach (var username in usernames)
        {
            var account = Username.Validate(username) is null
                ? await store.Accounts.FindByUsernameAsync(Username.Normalize(username!), cancellationToken)
                : null;
            if (account is null)
            {
                unknown.Add(username ?? "(missing)");
            }
            else
            {
                ids.Add(account.Id);
            }
        }

        return unknown.Count == 0
            ? ids
            : RoostError.Validation(field, "No such user: " + string.Join(", ", unknown.Take(10)));
    }
}
