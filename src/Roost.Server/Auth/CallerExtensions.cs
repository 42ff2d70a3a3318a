using Roost.Core.Sessions;

namespace Roost.Server.Auth;

public static class CallerExtensions
{
    /// <summary>The device whose token authenticated this request. Only valid on endpoints that require authorization.</summary>
    public static AuthenticatedDevice Caller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AuthenticatedDevice>()
            ?? throw new InvalidOperationException("The endpoint reads the caller but does not require authorization.");
    }
}
