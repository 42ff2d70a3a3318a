using System.Net;
using System.Net.Sockets;

namespace Roost.Testing;

/// <summary>
/// A loopback TCP forwarder to a real server (PostgreSQL, say) that a test can cut, as if that server went away:
/// <see cref="Cut"/> resets every forwarded connection and refuses new ones; <see cref="Restore"/> listens again on
/// the same port. Each direction is a plain copy; nothing is inspected or changed.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();
    private Task _accepting = Task.CompletedTask;

    public TcpFaultProxy(IPEndPoint target)
    {
        _target = target;
        _listener = ListenBelowEphemeralRange(out var port);
        Port = port;
        _accepting = AcceptAsync(_listener, _cut.Token);
    }

    public int Port { get; }

    /// <summary>Resets every forwarded connection and stops listening: new connections are refused.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, like a server that vanished
                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut.Dispose();
            _cut = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _accepting = AcceptAsync(_listener, _cut.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Cut();
        try
        {
            await _accepting.WaitAsync(TimeoutExtensions.Limit);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _cut.Dispose();
    }

    /// <summary>
    /// A port below Linux's ephemeral range (32768 and up), so that while the proxy is cut no outgoing connection can
    /// take the port it must listen on again.
    /// </summary>
    private static TcpListener ListenBelowEphemeralRange(out int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            port = Random.Shared.Next(20_000, 32_000);
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return listener;
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }

        throw new InvalidOperationException("No free loopback port between 20000 and 32000 for the fault proxy.");
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = ForwardAsync(client, cut);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken cut)
    {
        var server = new TcpClient();
        lock (_gate)
        {
            if (cut.IsCancellationRequested)
            {
                client.Dispose();
                server.Dispose();
                return;
            }

            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(_target, cut);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cut);
            var up = client.GetStream().CopyToAsync(server.GetStream(), both.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), both.Token);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away (or the test cut it): both go.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(server);
            }

            client.Dispose();
            server.Dispose();
        }
    }
}
