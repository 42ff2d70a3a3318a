using System.Net.WebSockets;

namespace Roost.Server.Gateway;

/// <summary>Why the server closed a WebSocket. Documented in docs/protocol.md; never renumber.</summary>
public static class CloseCodes
{
    /// <summary>The server is stopping; reconnect (to another node) and sync.</summary>
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>Too many invalid frames.</summary>
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;

    /// <summary>A frame larger than the limit in the hello frame.</summary>
    public const WebSocketCloseStatus FrameTooLarge = WebSocketCloseStatus.MessageTooBig;

    /// <summary>No valid token at connect: log in again.</summary>
    public const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4001;

    /// <summary>The session was revoked (log-out, device revoked, password changed, account deleted).</summary>
    public const WebSocketCloseStatus SessionRevoked = (WebSocketCloseStatus)4003;

    /// <summary>The connection fell too far behind; reconnect and sync from the last cursor: nothing is lost.</summary>
    public const WebSocketCloseStatus Backpressure = (WebSocketCloseStatus)4008;

    /// <summary>The database stopped answering mid-sync; reconnect with backoff and sync from the last cursor: nothing is lost.</summary>
    public const WebSocketCloseStatus StoreUnavailable = (WebSocketCloseStatus)4013;
}
