using Microsoft.Extensions.Diagnostics.HealthChecks;
using Roost.Core.Delivery;

namespace Roost.Server.Health;

/// <summary>
/// The bus between nodes. Without it a node still commits every send and serves syncs (the store is the truth), so
/// it stays ready, degraded: a load balancer keeps sending it clients, and live delivery across nodes resumes by itself.
/// </summary>
internal sealed class BusHealthCheck(IEventBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.IsConnected
            ? HealthCheckResult.Healthy(bus.Describe())
            : HealthCheckResult.Degraded($"{bus.Describe()}: live delivery to other nodes waits; sends still commit"));
}
