namespace Roost.Core.Push;

/// <summary>
/// A claimed push: at most one per device and conversation exists. New messages for an offline device raise
/// <see cref="Seq"/>, <see cref="Cursor"/> and <see cref="Messages"/> of the pending job instead of adding another.
/// </summary>
/// <param name="Cursor">The recipient's event cursor of the newest message coalesced into this job; the completion compares it to see whether more arrived meanwhile.</param>
/// <param name="Messages">How many messages this job stands for since the last push.</param>
/// <param name="Unread">The recipient's unread messages in the conversation when claimed.</param>
/// <param name="Preview">The newest message's sender and text, only when the account opted in to previews.</param>
/// <param name="LeaseUntil">This claim's lease: a completion applies only while the job is still held under it.</param>
public sealed record PushJob(
    long Id,
    PushTarget Target,
    long ConversationId,
    long Seq,
    long Cursor,
    int Messages,
    int Attempts,
    long Unread,
    PushPreview? Preview,
    DateTimeOffset LeaseUntil);

/// <summary>A message preview (opt-in per account).</summary>
public sealed record PushPreview(string SenderUsername, string? Body);

/// <summary>What a dispatcher decided for one claimed job.</summary>
public enum PushCompletionKind
{
    /// <summary>Sent: the job goes, unless more messages were coalesced into it meanwhile (then it waits for the coalescing window).</summary>
    Sent,

    /// <summary>The device is connected: it gets the messages over its socket and the job goes.</summary>
    Skipped,

    /// <summary>Try again at <see cref="PushCompletion.DueAt"/>; <see cref="PushCompletion.CountsAsAttempt"/> is false while a breaker holds the partition.</summary>
    Retry,

    /// <summary>Given up: kept as a dead letter for operators.</summary>
    Dead,

    /// <summary>
    /// The target is dead: it goes with its jobs, unless the device registered again after
    /// <see cref="PushCompletion.InvalidatedAt"/>; then the job is tried again at <see cref="PushCompletion.DueAt"/>
    /// (an attempt spent; a dead letter when <see cref="PushCompletion.GiveUpIfKept"/>).
    /// </summary>
    TargetGone,
}

public sealed record PushCompletion(
    PushCompletionKind Kind,
    DateTimeOffset DueAt,
    string? Error = null,
    bool CountsAsAttempt = true,
    DateTimeOffset? InvalidatedAt = null,
    bool GiveUpIfKept = false);

/// <summary>Queue depth and dead letters, for operators.</summary>
public sealed record PushQueueStats(long Pending, long InFlight, long Dead, long Targets, IReadOnlyList<PushDeadLetter> RecentDead);

public sealed record PushDeadLetter(long DeviceId, long ConversationId, long Seq, PushPlatform Platform, string App, int Attempts, string Error, DateTimeOffset At);
