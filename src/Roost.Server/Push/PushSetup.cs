using Roost.Core.Delivery;
using Roost.Core.Push;
using Roost.Core.Storage;
using Roost.Server.Options;

namespace Roost.Server.Push;

internal static class PushSetup
{
    /// <summary>The providers configured in <c>Roost:Push</c>, the durable queue's dispatcher, and the push use cases.</summary>
    public static IServiceCollection AddRoostPush(this IServiceCollection services, RoostOptions options)
    {
        services.AddSingleton(provider => new PushProviders(
            options.Push,
            provider.GetRequiredService<IHostEnvironment>().IsProduction(),
            provider.GetRequiredService<Core.Identity.SecretProtector>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(options.Push.ToPolicy());
        services.AddSingleton<IDeviceLiveness>(provider => new DeviceLiveness(
            provider.GetRequiredService<EventRouter>(), provider.GetRequiredService<IRoostStore>(), provider.GetRequiredService<Core.Cluster.NodeContext>()));
        services.AddSingleton(provider => new PushDispatcher(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<PushSignal>(),
            provider.GetRequiredService<PushProviders>().Senders,
            provider.GetRequiredService<IDeviceLiveness>(),
            provider.GetRequiredService<PushPolicy>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PushDispatcher>>()));
        services.AddHostedService<PushDispatcherService>();
        services.AddSingleton(provider => new PushService(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<PushProviders>().Capabilities,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<PushDispatcher>()));
        return services;
    }
}
