using Roost.Core.Errors;
using Roost.Core.RateLimiting;

namespace Roost.Core.Messaging;

/// <summary>
/// Token-bucket limits on what one account sends and what one conversation receives. Checked before the store is
/// touched, so a limited operation stores nothing; an operation already acknowledged is never affected. The buckets
/// live in this process (per node); they hold seconds of state, so a restart forgives at most one burst.
/// </summary>
public sealed class MessageRateLimiter
{
    private readonly TimeProvider _time;
    private readonly BucketTable<long> _messages;
    private readonly BucketTable<long> _bytes;
    private readonly BucketTable<long> _conversations;
    private readonly BucketTable<long> _receipts;
    private readonly BucketTable<long> _typing;
    private readonly BucketTable<long> _presenceSubscribes;

    public MessageRateLimiter(SendLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _time = time;
        _messages = new(limits.MessagesPerAccount, limits.MaxTrackedKeys);
        _bytes = new(limits.BytesPerAccount, limits.MaxTrackedKeys);
        _conversations = new(limits.MessagesPerConversation, limits.MaxTrackedKeys);
        _receipts = new(limits.ReceiptsPerAccount, limits.MaxTrackedKeys);
        _typing = new(limits.TypingPerAccount, limits.MaxTrackedKeys);
        _presenceSubscribes = new(limits.PresenceSubscribesPerAccount, limits.MaxTrackedKeys);
    }

    /// <summary>
    /// A message-level operation (send, edit, delete, react) with <paramref name="bodyBytes"/> of new text; null when
    /// allowed. <paramref name="charge"/> gives the tokens back when the store then refuses the operation or finds it
    /// a duplicate: an account that is no member of a conversation cannot drain that conversation's budget, and a
    /// retried send costs nothing once its first attempt is known.
    /// </summary>
    public RoostError? TryMessage(long accountId, long conversationId, int bodyBytes, out MessageCharge charge)
    {
        charge = default;
        var now = _time.GetUtcNow().UtcTicks;
        var account = _messages.Get(accountId, now);
        if (account.TryTake(1, now) is { } wait)
        {
            return Limited(wait, "You are sending messages too fast.");
        }

        TokenBucket? bytes = null;
        if (bodyBytes > 0)
        {
            bytes = _bytes.Get(accountId, now);
            if (bytes.TryTake(bodyBytes, now) is { } bytesWait)
            {
                account.Refund(1);
                return Limited(bytesWait, "You are sending too much text too fast.");
            }
        }

        var conversation = _conversations.Get(conversationId, now);
        if (conversation.TryTake(1, now) is { } conversationWait)
        {
            account.Refund(1);
            bytes?.Refund(bodyBytes);
            return Limited(conversationWait, "This conversation is receiving messages too fast.");
        }

        charge = new MessageCharge(account, bytes, conversation, bodyBytes);
        return null;
    }

    public RoostError? TryReceipt(long accountId)
    {
        var now = _time.GetUtcNow().UtcTicks;
        return _receipts.Get(accountId, now).TryTake(1, now) is { } wait ? Limited(wait, "You are sending receipts too fast.") : null;
    }

    public RoostError? TryTyping(long accountId)
    {
        var now = _time.GetUtcNow().UtcTicks;
        return _typing.Get(accountId, now).TryTake(1, now) is { } wait ? Limited(wait, "You are sending typing notifications too fast.") : null;
    }

    public RoostError? TryPresenceSubscribe(long accountId)
    {
        var now = _time.GetUtcNow().UtcTicks;
        return _presenceSubscribes.Get(accountId, now).TryTake(1, now) is { } wait ? Limited(wait, "You are changing presence subscriptions too fast.") : null;
    }

    private static RoostError Limited(TimeSpan wait, string message) => RoostError.RateLimited(wait, message + " Retry after the time given.");
}

/// <summary>The tokens one allowed operation took; <see cref="Refund"/> gives them back (at most once).</summary>
public struct MessageCharge
{
    private TokenBucket? _account;
    private readonly TokenBucket? _bytes;
    private readonly TokenBucket? _conversation;
    private readonly int _bodyBytes;

    internal MessageCharge(TokenBucket account, TokenBucket? bytes, TokenBucket conversation, int bodyBytes)
    {
        _account = account;
        _bytes = bytes;
        _conversation = conversation;
        _bodyBytes = bodyBytes;
    }

    public void Refund()
    {
        if (_account is null)
        {
            return;
        }

        _account.Refund(1);
        _bytes?.Refund(_bodyBytes);
        _conversation?.Refund(1);
        _account = null;
    }
}
