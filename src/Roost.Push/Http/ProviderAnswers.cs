using Roost.Core.Push;
using Microsoft.Extensions.Logging;
using System.Net.Http.Headers;

namespace Roost.Push.Http;

/// <summary>What the senders read from a provider's answer besides its body.</summary>
internal static class ProviderAnswers
{
    /// <summary>Error bodies are a few hundred bytes; anything past this is not a provider answering.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary><c>Retry-After</c> as a delay (seconds or an HTTP date), never negative; null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(time);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
            _ => null,
        };
    }

    /// <summary>The start of a device token for the logs: enough to match a report, not enough to push to it.</summary>
    public static string Mask(string token) => token.Length <= 6 ? "…" : string.Concat(token.AsSpan(0, 6), "…");

    /// <summary>How loudly an answer is logged: nothing for an accepted push, information for what the queue handles, a warning for the rest.</summary>
    public static LogLevel LogLevelOf(PushOutcomeKind kind) => kind switch
    {
        PushOutcomeKind.Accepted => LogLevel.None,
        PushOutcomeKind.Retry or PushOutcomeKind.TargetGone => LogLevel.Information,
        _ => LogLevel.Warning,
    };
}
