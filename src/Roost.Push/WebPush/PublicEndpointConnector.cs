using System.Net;
using System.Net.Sockets;

namespace Roost.Push.WebPush;

/// <summary>
/// The sender's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the endpoint's host itself and connects
/// only to public addresses. The check is on the address actually connected to, so a name that resolves to a public
/// address when a subscription is made and to a private one later (DNS rebinding) is still refused.
/// </summary>
internal sealed class PublicEndpointConnector(bool allowPrivate)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var resolved = await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = allowPrivate ? resolved : Array.FindAll(resolved, PublicAddressFilter.IsPublic);
        if (allowed.Length == 0)
        {
            throw new PrivateAddressException(resolved.Length);
        }

        // Dual-mode: one socket reaches either family, tried in the order the resolver gave.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>Every address the endpoint's host resolved to is private: the subscription can never be delivered to.</summary>
internal sealed class PrivateAddressException(int resolved)
    : IOException($"The push endpoint resolves only to non-public addresses ({resolved} found); refused.");
