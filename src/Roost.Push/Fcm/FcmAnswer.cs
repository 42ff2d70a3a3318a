using System.Text.Json;
using Roost.Core.Push;

namespace Roost.Push.Fcm;

/// <summary>
/// What one <c>messages:send</c> came back with (<see cref="Status"/> 0: no answer): the HTTP status, the error's
/// <c>status</c>, the FcmError <c>errorCode</c> from its details, and whether the error is about the registration token.
/// </summary>
internal readonly record struct FcmAnswer(int Status, string Reason, string? ErrorCode = null, bool AboutToken = false, TimeSpan? RetryAfter = null)
{
    private const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private const string BadRequestType = "type.googleapis.com/google.rpc.BadRequest";

    public static readonly FcmAnswer Ok = new(200, "accepted");

    /// <summary>Our access token was refused (not the APNs or Web Push credentials FCM holds for the project).</summary>
    public bool Unauthenticated => Status == 401 && ErrorCode != "THIRD_PARTY_AUTH_ERROR";

    public static FcmAnswer NoAnswer(string reason) => new(0, reason);

    /// <summary>A Google API error: <c>{"error":{"code","message","status","details":[…]}}</c>.</summary>
    public static FcmAnswer Parse(int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        string? grpcStatus = null, errorCode = null;
        var aboutToken = false;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                grpcStatus = Text(error, "status");
                aboutToken = Text(error, "message")?.Contains("registration token", StringComparison.OrdinalIgnoreCase) == true;
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    foreach (var detail in details.EnumerateArray())
                    {
                        errorCode ??= detail.ValueKind == JsonValueKind.Object && Text(detail, "@type") == FcmErrorType ? Text(detail, "errorCode") : null;
                        aboutToken |= NamesTokenField(detail);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy's page, say: the HTTP status decides.
        }

        return new(status, errorCode ?? grpcStatus ?? $"HTTP {status}", errorCode, aboutToken, retryAfter);
    }

    public PushOutcome ToOutcome() => (Status, ErrorCode) switch
    {
        (0, _) => PushOutcome.PartitionFailed(Reason),
        (200, _) => PushOutcome.Accepted,
        (_, "UNREGISTERED" or "SENDER_ID_MISMATCH") => PushOutcome.Gone(Reason),

        // A malformed or foreign token is dead; any other bad argument is this push's fault.
        (400, _) or (_, "INVALID_ARGUMENT") => AboutToken ? PushOutcome.Gone(Reason + " (registration token)") : PushOutcome.Rejected(Reason),

        // FCM's quota is per project but the same answer covers one device sent too much: a breaker tripped by one
        // busy device would stop the whole project, so this push waits its Retry-After and the others carry on.
        (429, _) or (_, "QUOTA_EXCEEDED") => PushOutcome.Retry(Reason, RetryAfter),

        // Our access token refused twice, FCM's APNs or Web Push credentials for the project refused, the project not
        // ours to send for, or FCM failing: every push of the project fails alike.
        (401 or 403 or 404, _) => PushOutcome.PartitionFailed(Reason),
        (>= 500, _) or (_, "UNAVAILABLE" or "INTERNAL") => PushOutcome.PartitionFailed(Reason, RetryAfter),
        (>= 400 and < 500, _) => PushOutcome.Rejected(Reason),
        _ => PushOutcome.PartitionFailed(Reason),
    };

    private static bool NamesTokenField(JsonElement detail)
    {
        if (detail.ValueKind != JsonValueKind.Object || Text(detail, "@type") != BadRequestType
            || !detail.TryGetProperty("fieldViolations", out var violations) || violations.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        return violations.EnumerateArray().Any(violation => violation.ValueKind == JsonValueKind.Object && Text(violation, "field") == "message.token");
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
