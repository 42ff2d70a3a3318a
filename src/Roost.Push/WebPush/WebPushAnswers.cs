using System.Net;
using System.Net.Http.Headers;
using Roost.Core.Push;

namespace Roost.Push.WebPush;

/// <summary>What a push service's answer means for the push (RFC 8030 §5, RFC 8292 §4, and what services do in practice).</summary>
internal static class WebPushAnswers
{
    public static PushOutcome Map(HttpStatusCode status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        var code = (int)status;
        return code switch
        {
            // 201 with a Location is the RFC's answer; some services answer 200 or (asked for a receipt) 202.
            >= 200 and < 300 => PushOutcome.Accepted,

            // 404 in the RFC, 410 in practice: unsubscribed or expired.
            404 => PushOutcome.Gone("NotFound"),
            410 => PushOutcome.Gone("Gone"),
            429 => PushOutcome.Retry("TooManyRequests", Delay(retryAfter, now)),
            408 => PushOutcome.Retry("RequestTimeout", Delay(retryAfter, now)),
            413 => PushOutcome.Rejected("PayloadTooLarge"),

            // VAPID refused: our key or token, not this push, so every push to this origin fails alike.
            401 => PushOutcome.PartitionFailed("Unauthorized"),
            403 => PushOutcome.PartitionFailed("Forbidden"),
            >= 500 => PushOutcome.PartitionFailed("ServerError" + code, Delay(retryAfter, now)),
            >= 400 => PushOutcome.Rejected(code == 400 ? "BadRequest" : "ClientError" + code),

            // Redirects are not followed (the target could be anywhere) and are no answer a push service gives.
            _ => PushOutcome.PartitionFailed("UnexpectedStatus" + code),
        };
    }

    private static TimeSpan? Delay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var delay = date - now;
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        return null;
    }
}
