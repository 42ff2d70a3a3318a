using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Roost.Server.Health;

/// <summary>
/// The body of <c>/readyz</c>: "Healthy" when ready (with each check's description: "Healthy: store: sqlite, schema version 6"), otherwise the status and each failing check's reason on one
/// line (for example "Unhealthy: store: storage_full: …"), so an operator or a load balancer log shows why.
/// </summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (report.Status == HealthStatus.Healthy)
        {
            // "Healthy: store: postgres, schema version 1": which engine answered, at which schema.
            var details = report.Entries.Where(entry => entry.Value.Description is not null).Select(entry => $"{entry.Key}: {entry.Value.Description}").ToList();
            return context.Response.WriteAsync(details.Count == 0 ? nameof(HealthStatus.Healthy) : $"{nameof(HealthStatus.Healthy)}: {string.Join("; ", details)}");
        }

        var reasons = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {entry.Value.Description ?? entry.Value.Status.ToString()}");
        return context.Response.WriteAsync($"{report.Status}: {string.Join("; ", reasons)}");
    }
}
