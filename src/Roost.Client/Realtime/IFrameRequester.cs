using Roost.Protocol.Realtime;

namespace Roost.Client.Realtime;

/// <summary>Sends a client frame and completes with the server's answer to it (ack, ok or error).</summary>
public interface IFrameRequester
{
    Task<ServerFrame> RequestAsync(ClientFrame frame, CancellationToken cancellationToken = default);
}
