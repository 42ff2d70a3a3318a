using Roost.Core.Errors;

namespace Roost.Core.Conversations;

/// <summary>
/// Conversations and memberships. Every change commits together with the events its members must see, and the
/// role checks of <see cref="ConversationRules"/> run inside that same transaction.
/// </summary>
public interface IConversationStore
{
    /// <summary>The one direct conversation of two accounts, created (with its event) on first use.</summary>
    Task<Outcome<ConversationView>> GetOrCreateDirectAsync(long accountId, long otherAccountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Outcome<ConversationView>> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Outcome<ConversationView>> AddMembersAsync(long conversationId, long actorId, IReadOnlyList<long> accountIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="accountId"/>; when it is the actor, that is leaving.</summary>
    Task<Outcome<Done>> RemoveMemberAsync(long conversationId, long actorId, long accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Outcome<ConversationView>> RenameAsync(long conversationId, long actorId, string title, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets admin or member; <see cref="MemberRoles.Owner"/> transfers ownership (the old owner becomes admin).</summary>
    Task<Outcome<ConversationView>> SetRoleAsync(long conversationId, long actorId, long accountId, string role, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The conversation as <paramref name="accountId"/> sees it, or null when they never were a member.</summary>
    Task<ConversationView?> GetAsync(long conversationId, long accountId, CancellationToken cancellationToken);

    /// <summary>Conversations the account is a current member of, by id, after <paramref name="afterId"/>; with the head cursor read in the same snapshot.</summary>
    Task<ConversationPage> ListAsync(long accountId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Accounts that share at least one conversation with <paramref name="accountId"/> (for presence).</summary>
    Task<IReadOnlyList<long>> GetContactsAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Those of <paramref name="candidateIds"/> (few, distinct) that currently share a conversation with
    /// <paramref name="accountId"/>, in the order given; never the account itself. Checked per candidate, so the cost
    /// does not grow with how many contacts the account has (for presence subscriptions).
    /// </summary>
    Task<IReadOnlyList<long>> GetContactsAmongAsync(long accountId, IReadOnlyList<long> candidateIds, CancellationToken cancellationToken);

    /// <summary>Current member ids, or null when <paramref name="accountId"/> is not a current member (for typing).</summary>
    Task<IReadOnlyList<long>?> GetMemberIdsIfMemberAsync(long conversationId, long accountId, CancellationToken cancellationToken);
}
