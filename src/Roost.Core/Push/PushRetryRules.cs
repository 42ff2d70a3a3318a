namespace Roost.Core.Push;

/// <summary>What a provider's answer means for the job: a plain function of the outcome, the attempt and the policy.</summary>
public static class PushRetryRules
{
    /// <summary>
    /// Exponential backoff with full jitter in its upper half (delay in [d/2, d]), so a partition recovering from an
    /// outage is not hit by every job at the same instant; a provider's Retry-After, when
    /// given, is when the provider said to come back, and is used as it is (up to an hour).
    /// </summary>
    public static TimeSpan Backoff(int attempt, PushPolicy policy, double random, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(policy.MaxRetryDelay.TotalMilliseconds, policy.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * Math.Clamp(random, 0, 1))));
        return retryAfter is { } after && after >= TimeSpan.Zero ? Min(after, TimeSpan.FromHours(1)) : delay;
    }

    /// <summary>The completion for a job that was sent (attempt <c>job.Attempts + 1</c>) and got <paramref name="outcome"/>.</summary>
    public static PushCompletion Decide(PushJob job, PushOutcome outcome, PushPolicy policy, DateTimeOffset now, double random)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(outcome);
        var attempt = job.Attempts + 1;
        return outcome.Kind switch
        {
            PushOutcomeKind.Accepted => new(PushCompletionKind.Sent, now + policy.CoalesceWindow),
            PushOutcomeKind.TargetGone => new(
                PushCompletionKind.TargetGone,
                now + Backoff(attempt, policy, random, null),
                outcome.Reason,
                InvalidatedAt: outcome.InvalidatedAt,
                GiveUpIfKept: attempt >= policy.MaxAttempts),
            PushOutcomeKind.Rejected => new(PushCompletionKind.Dead, now, outcome.Reason),
            _ when attempt >= policy.MaxAttempts => new(PushCompletionKind.Dead, now, $"{outcome.Reason} (gave up after {attempt} attempts)"),
            _ => new(PushCompletionKind.Retry, now + Backoff(attempt, policy, random, outcome.RetryAfter), outcome.Reason),
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
