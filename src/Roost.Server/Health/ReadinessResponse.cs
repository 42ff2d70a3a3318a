using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Roost.Server.Health;

/// <summary>
/// The body of <c>/readyz</c>: "Healthy" when ready, otherwise the status and each failing check's reason on one
/// line (for example "Unhealthy: store: storage_full: …"), so an operator or a load balancer log shows why.
/// </summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (report.Status == HealthStatus.Healthy)
        {
            return context.Response.WriteAsync(nameof(HealthStatus.Healthy));
        }

        var reasons = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {entry.Value.Description ?? entry.Value.Status.ToString()}");
        return context.Response.WriteAsync($"{report.Status}: {string.Join("; ", reasons)}");
    }
}
