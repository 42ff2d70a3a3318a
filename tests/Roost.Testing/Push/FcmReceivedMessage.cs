using System.Text.Json.Nodes;

namespace Roost.Testing.Push;

/// <summary>A message the FCM receiver accepted: its <c>message</c> object as sent, and the access token it came with.</summary>
public sealed record FcmReceivedMessage(string Token, IReadOnlyDictionary<string, string> Data, JsonObject Message, string AccessToken, DateTimeOffset ReceivedAt);
