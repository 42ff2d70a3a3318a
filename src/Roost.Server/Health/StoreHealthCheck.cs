using Microsoft.Extensions.Diagnostics.HealthChecks;
using Roost.Core.Storage;

namespace Roost.Server.Health;

/// <summary>Ready means the store answers a query and its schema is the one this build migrates to.</summary>
internal sealed class StoreHealthCheck(IRoostStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await store.CheckHealthAsync(cancellationToken);
        return health.IsHealthy
            ? HealthCheckResult.Healthy($"{health.Engine}, schema version {health.SchemaVersion}")
            : HealthCheckResult.Unhealthy($"{health.Engine}: {health.Problem}");
    }
}
