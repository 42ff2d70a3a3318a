namespace Roost.Server.Http;

/// <summary>
/// With Kestrel's inline scheduling, a request runs on the socket I/O thread that read it, and whatever it does
/// synchronously (a password hash, a QR code, a store read) holds up every other socket of that thread. Only the
/// gateway's frame loop is written for that (it parses, queues, and awaits); every other request yields to the thread
/// pool before it runs.
/// </summary>
internal static class InlineScheduling
{
    public static Func<HttpContext, RequestDelegate, Task> LeaveIoThreadUnlessGateway(PathString gatewayPath) => async (context, next) =>
    {
        if (!context.Request.Path.Equals(gatewayPath, StringComparison.Ordinal))
        {
            // No synchronization context here: the rest of the request runs as a thread-pool work item.
            await Task.Yield();
        }

        await next(context);
    };
}
