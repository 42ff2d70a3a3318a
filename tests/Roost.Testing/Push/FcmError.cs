using System.Text.Json.Nodes;

namespace Roost.Testing.Push;

/// <summary>
/// An error as FCM HTTP v1 answers it: a Google API error whose details carry the FcmError <c>errorCode</c> (and a
/// BadRequest field violation when it names a field). The presets follow FCM's ErrorCode reference.
/// </summary>
public sealed record FcmError(int Code, string Status, string Message, string? ErrorCode)
{
    /// <summary>Sent as <c>Retry-After</c> in seconds.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A field named in a <c>google.rpc.BadRequest</c> detail, such as <c>message.token</c>.</summary>
    public string? FieldViolation { get; init; }

    public static FcmError Unregistered => new(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");

    public static FcmError SenderIdMismatch => new(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH");

    public static FcmError InvalidRegistrationToken =>
        new(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT") { FieldViolation = "message.token" };

    public static FcmError Unauthenticated =>
        new(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", null);

    public static FcmError ThirdPartyAuth => new(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", "THIRD_PARTY_AUTH_ERROR");

    public static FcmError Unavailable => new(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");

    public static FcmError Internal => new(500, "INTERNAL", "Internal error encountered.", "INTERNAL");

    public static FcmError InvalidArgument(string message, string? field = null) => new(400, "INVALID_ARGUMENT", message, "INVALID_ARGUMENT") { FieldViolation = field };

    public static FcmError QuotaExceeded(TimeSpan retryAfter) =>
        new(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'.", "QUOTA_EXCEEDED") { RetryAfter = retryAfter };

    public JsonObject ToJson()
    {
        var details = new JsonArray();
        if (ErrorCode is not null)
        {
            details.Add(new JsonObject { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = ErrorCode });
        }

        if (FieldViolation is not null)
        {
            details.Add(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["fieldViolations"] = new JsonArray(new JsonObject { ["field"] = FieldViolation, ["description"] = Message }),
            });
        }

        var error = new JsonObject { ["code"] = Code, ["message"] = Message, ["status"] = Status };
        if (details.Count > 0)
        {
            error["details"] = details;
        }

        return new JsonObject { ["error"] = error };
    }
}
