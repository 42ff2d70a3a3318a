using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.Presence;
using Roost.Core.Push;
using Roost.Core.Storage;
using Roost.Server.Options;

namespace Roost.Server.Gateway;

/// <summary>What every connection needs, gathered once so a connection holds one reference instead of seven.</summary>
internal sealed class GatewayServices(
    IRoostStore store,
    MessagingService messaging,
    PresenceService presence,
    PushService push,
    EventRouter router,
    RoostOptions options,
    TimeProvider time,
    ILogger<GatewayConnection> logger)
{
    public IRoostStore Store => store;

    public MessagingService Messaging => messaging;

    public PresenceService Presence => presence;

    public PushService Push => push;

    public EventRouter Router => router;

    public GatewayOptions Options => options.Gateway;

    public TimeProvider Time => time;

    public ILogger Logger => logger;
}
