using System.Text.Json;
using Roost.Core.Accounts;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Protocol;
using Roost.Protocol.Events;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>An event as one account's stream holds it, with its payload read back into its type.</summary>
public sealed record ReceivedEvent(long Cursor, RoostEvent Event, string Frame);

/// <summary>
/// What several contract suites set up, through the store's own interfaces only: accounts, devices, conversations,
/// messages, and reading an account's whole event stream.
/// </summary>
public static class StoreFixtures
{
    /// <summary>The member limit suites pass when the limit is not what they test.</summary>
    public const int MaxMembers = 1024;

    /// <summary>An id no account, device or conversation has: far above any a test creates, whatever an engine's ids look like.</summary>
    public const long NoSuchId = long.MaxValue / 2;

    private static readonly CancellationToken None = CancellationToken.None;

    public static async Task<Account> AccountAsync(this IRoostStore store, string username, DateTimeOffset now) =>
        await store.Accounts.CreateAsync(new NewAccount(username, Username.Normalize(username), "pbkdf2-sha256$1$AA==$AA==", username, now), None).DefaultTimeout()
        ?? throw new InvalidOperationException($"The username {username} is taken.");

    /// <summary>Accounts created one after another, so their ids (whatever they are) increase in this order.</summary>
    public static async Task<long[]> AccountIdsAsync(this IRoostStore store, DateTimeOffset now, params string[] usernames)
    {
        var ids = new long[usernames.Length];
        for (var i = 0; i < usernames.Length; i++)
        {
            ids[i] = (await store.AccountAsync(usernames[i], now)).Id;
        }

        return ids;
    }

    public static async Task<Device> DeviceAsync(this IRoostStore store, long accountId, DateTimeOffset now, byte[]? tokenHash = null) =>
        await store.Devices.CreateAsync(new NewDevice(accountId, tokenHash ?? SessionToken.Hash(SessionToken.Create()), "device", "test", VerificationMethods.Password, now, null), None).DefaultTimeout()
        ?? throw new InvalidOperationException($"Account {accountId} does not exist.");

    public static async Task<long> GroupAsync(this IRoostStore store, long ownerId, IReadOnlyList<long> memberIds, DateTimeOffset now, string title = "Room") =>
        (await store.Conversations.CreateGroupAsync(ownerId, title, memberIds, MaxMembers, now, None).DefaultTimeout()).Succeeded().Conversation.Id;

    public static async Task<long> DirectAsync(this IRoostStore store, long accountId, long otherAccountId, DateTimeOffset now) =>
        (await store.Conversations.GetOrCreateDirectAsync(accountId, otherAccountId, now, None).DefaultTimeout()).Succeeded().Conversation.Id;

    public static async Task AddAsync(this IRoostStore store, long conversationId, long actorId, long accountId, DateTimeOffset now) =>
        (await store.Conversations.AddMembersAsync(conversationId, actorId, [accountId], MaxMembers, now, None).DefaultTimeout()).Succeeded();

    /// <summary>The account leaves (or, with another actor, is removed from) the group.</summary>
    public static async Task RemoveAsync(this IRoostStore store, long conversationId, long actorId, long accountId, DateTimeOffset now) =>
        (await store.Conversations.RemoveMemberAsync(conversationId, actorId, accountId, now, None).DefaultTimeout()).Succeeded();

    public static async Task SetRoleAsync(this IRoostStore store, long conversationId, long ownerId, long accountId, string role, DateTimeOffset now) =>
        (await store.Conversations.SetRoleAsync(conversationId, ownerId, accountId, role, now, None).DefaultTimeout()).Succeeded();

    public static Task<Outcome<SendResult>> TrySendAsync(this IRoostStore store, long conversationId, long senderId, DateTimeOffset now, string body = "hello", string? clientId = null, long? replyTo = null) =>
        store.Messages.AppendAsync(new NewMessage(conversationId, senderId, clientId ?? Guid.NewGuid().ToString("N"), body, replyTo, now), None).DefaultTimeout();

    /// <summary>Sends and returns the new message's seq.</summary>
    public static async Task<long> SendAsync(this IRoostStore store, long conversationId, long senderId, DateTimeOffset now, string body = "hello", long? replyTo = null) =>
        (await store.TrySendAsync(conversationId, senderId, now, body, replyTo: replyTo)).Succeeded().Seq;

    /// <summary>Every message the account may see, oldest first.</summary>
    public static async Task<IReadOnlyList<Message>> HistoryAsync(this IRoostStore store, long conversationId, long accountId) =>
        (await store.Messages.GetHistoryAsync(conversationId, accountId, null, null, 1000, None).DefaultTimeout()).Succeeded().Messages;

    public static async Task<ConversationView> ViewAsync(this IRoostStore store, long conversationId, long accountId) =>
        await store.Conversations.GetAsync(conversationId, accountId, None).DefaultTimeout()
        ?? throw new InvalidOperationException($"Account {accountId} never was a member of {conversationId}.");

    /// <summary>The account's whole stream after <paramref name="afterCursor"/>, read in pages.</summary>
    public static async Task<List<ReceivedEvent>> EventsAsync(this IRoostStore store, long accountId, long afterCursor = 0, int pageSize = 500)
    {
        var events = new List<ReceivedEvent>();
        while (true)
        {
            var page = await store.Events.ReadAfterAsync(accountId, afterCursor, pageSize, None).DefaultTimeout()
                ?? throw new InvalidOperationException($"Cursor {afterCursor} is below the compaction horizon.");
            events.AddRange(page.Select(e => Parse(e.Cursor, e.Frame)));
            if (page.Count < pageSize)
            {
                return events;
            }

            afterCursor = page[^1].Cursor;
        }
    }

    /// <summary>The events of the account's stream after <paramref name="afterCursor"/> of one type.</summary>
    public static async Task<List<T>> EventsAsync<T>(this IRoostStore store, long accountId, long afterCursor = 0)
        where T : RoostEvent =>
        (await store.EventsAsync(accountId, afterCursor)).Select(e => e.Event).OfType<T>().ToList();

    public static ReceivedEvent Parse(long cursor, ReadOnlyMemory<byte> frame)
    {
        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        Assert.Equal("event", root.GetProperty("type").GetString());
        Assert.Equal(cursor, root.GetProperty("cursor").GetInt64());
        var @event = root.GetProperty("event").Deserialize(RoostJsonContext.Default.RoostEvent)!;
        return new ReceivedEvent(cursor, @event, EventFrames.ToText(frame));
    }

    public static T Succeeded<T>(this Outcome<T> outcome)
    {
        Assert.True(outcome.IsSuccess, $"Expected success, got {outcome.Error?.Code}: {outcome.Error?.Message}");
        return outcome.Value;
    }

    /// <summary>The error code of a failed outcome, null for a success.</summary>
    public static string? Code<T>(this Outcome<T> outcome) => outcome.Error?.Code;
}
