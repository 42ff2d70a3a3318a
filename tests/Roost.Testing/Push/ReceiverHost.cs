using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Roost.Testing.Push;

/// <summary>Kestrel on 127.0.0.1 with an ephemeral port and the test certificate, running one request delegate.</summary>
internal static class ReceiverHost
{
    public static async Task<(WebApplication App, Uri Url)> StartAsync(HttpProtocols protocols, X509Certificate2 certificate, RequestDelegate handle)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = protocols;
                listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri($"https://127.0.0.1:{new Uri(address).Port}"));
    }

    public static async Task StopAsync(WebApplication app)
    {
        // Connections the senders still hold are closed rather than waited for.
        using var hurry = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(hurry.Token);
        await app.DisposeAsync();
    }

    /// <summary>The body, reading at most one byte past <paramref name="limit"/> (so a caller can tell it was over).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit)
    {
        var buffer = new byte[limit + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total))) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }
}
