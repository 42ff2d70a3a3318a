namespace Roost.Client.Realtime;

/// <summary>The server answered a WebSocket request with an <c>error</c> frame. <see cref="Code"/> is stable.</summary>
public sealed class RoostRealtimeException : Exception
{
    public RoostRealtimeException()
    {
    }

    public RoostRealtimeException(string message)
        : base(message)
    {
    }

    public RoostRealtimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RoostRealtimeException(string code, string message)
        : base($"{code}: {message}")
    {
        Code = code;
    }

    public RoostRealtimeException(string code, string message, TimeSpan? retryAfter)
        : this(code, message)
    {
        RetryAfter = retryAfter;
    }

    public string Code { get; } = "";

    /// <summary>How long to wait before retrying, when the server said (rate_limited, storage_full).</summary>
    public TimeSpan? RetryAfter { get; }
}
