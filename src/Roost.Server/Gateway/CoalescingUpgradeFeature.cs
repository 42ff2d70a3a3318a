using Microsoft.AspNetCore.Http.Features;

namespace Roost.Server.Gateway;

/// <summary>
/// Stands in for the server's upgrade feature on gateway requests, so the WebSocket that ASP.NET Core builds on the
/// upgraded stream writes through a <see cref="CoalescingStream"/> the gateway can hold and release. Installed before
/// the WebSocket middleware, which captures the upgrade feature when a request reaches it.
/// </summary>
internal sealed class CoalescingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <summary>The stream the WebSocket writes to, once upgraded.</summary>
    public CoalescingStream? Stream { get; private set; }

    public async Task<Stream> UpgradeAsync()
    {
        Stream = new CoalescingStream(await inner.UpgradeAsync());
        return Stream;
    }

    /// <summary>Middleware: wraps the upgrade feature of requests to <paramref name="path"/>.</summary>
    public static Func<HttpContext, RequestDelegate, Task> For(PathString path) => (context, next) =>
    {
        if (context.Request.Path.Equals(path, StringComparison.Ordinal)
            && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            context.Features.Set<IHttpUpgradeFeature>(new CoalescingUpgradeFeature(upgrade));
        }

        return next(context);
    };
}
