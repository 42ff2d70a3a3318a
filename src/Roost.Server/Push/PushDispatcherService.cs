using Roost.Core.Push;

namespace Roost.Server.Push;

/// <summary>Runs the push dispatcher while the host runs; stops it before the store closes.</summary>
internal sealed class PushDispatcherService(PushDispatcher dispatcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        dispatcher.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await dispatcher.DisposeAsync();
}
