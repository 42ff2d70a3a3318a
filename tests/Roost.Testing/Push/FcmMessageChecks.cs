using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Roost.Testing.Push;

/// <summary>What FCM checks in a <c>messages:send</c> body before it takes the message.</summary>
internal static partial class FcmMessageChecks
{
    public const int MaxDataBytes = 4096;

    // Registration tokens are base64url-ish with a colon separator; anything else is not one FCM issued.
    private static readonly SearchValues<char> TokenCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:");

    public static FcmError? Check(JsonNode? body, out JsonObject message, out string token, out Dictionary<string, string> data)
    {
        message = [];
        token = "";
        data = new(StringComparer.Ordinal);
        if (body is not JsonObject root || root["message"] is not JsonObject found)
        {
            return FcmError.InvalidArgument("Invalid JSON payload received.");
        }

        message = found;
        if (message["token"] is not JsonValue tokenValue || !tokenValue.TryGetValue(out string? text) || text.Length == 0)
        {
            return FcmError.InvalidArgument("Recipient of the message is not set.");
        }

        token = text;
        if (token.AsSpan().ContainsAnyExcept(TokenCharacters))
        {
            return FcmError.InvalidRegistrationToken;
        }

        return Data(message["data"], data) ?? Android(message["android"]) ?? WebPush(message["webpush"]);
    }

    private static FcmError? Data(JsonNode? node, Dictionary<string, string> data)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject entries)
        {
            return FcmError.InvalidArgument("Invalid value at 'message.data' (type.googleapis.com/google.firebase.fcm.v1.Message.DataEntry)", "message.data");
        }

        var index = 0;
        var bytes = 0;
        foreach (var (key, value) in entries)
        {
            if (value is not JsonValue scalar || !scalar.TryGetValue(out string? text))
            {
                return FcmError.InvalidArgument($"Invalid value at 'message.data[{index}].value' (TYPE_STRING)", $"message.data[{index}].value");
            }

            data[key] = text;
            bytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text);
            index++;
        }

        return bytes > MaxDataBytes ? FcmError.InvalidArgument("Message is too big. Message size should not exceed 4096 bytes.") : null;
    }

    private static FcmError? Android(JsonNode? node)
    {
        if (node is not JsonObject android)
        {
            return null;
        }

        if (android["priority"] is { } priority && priority.ToString() is not ("HIGH" or "NORMAL"))
        {
            return FcmError.InvalidArgument("Invalid value at 'message.android.priority'", "message.android.priority");
        }

        return android["ttl"] is { } ttl && !Duration().IsMatch(ttl.ToString())
            ? FcmError.InvalidArgument("Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)", "message.android.ttl")
            : null;
    }

    private static FcmError? WebPush(JsonNode? node) =>
        node?["headers"]?["TTL"] is { } ttl && !long.TryParse(ttl.ToString(), out _)
            ? FcmError.InvalidArgument("Invalid value at 'message.webpush.headers[TTL]'", "message.webpush.headers")
            : null;

    // A protobuf Duration in JSON: seconds with up to nine fractional digits and an 's'.
    [GeneratedRegex(@"^\d+(\.\d{1,9})?s$")]
    private static partial Regex Duration();
}
