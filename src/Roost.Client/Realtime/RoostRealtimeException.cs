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

    public string Code { get; } = "";
}
