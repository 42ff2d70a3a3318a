using Roost.Core.Accounts;
using Roost.Core.Admin;
using Roost.Core.Cluster;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Identity;
using Roost.Core.Media;
using Roost.Core.Messaging;
using Roost.Core.Moderation;
using Roost.Core.Presence;
using Roost.Core.Push;
using Roost.Core.RateLimiting;
using Roost.Core.Sessions;

namespace Roost.Core.Storage;

/// <summary>
/// The durable state of an instance. One implementation per engine (SQLite embedded, PostgreSQL
/// for clusters); all pass the same contract test suite.
/// </summary>
public interface IRoostStore : IAsyncDisposable
{
    IAccountStore Accounts { get; }

    IDeviceStore Devices { get; }

    IConversationStore Conversations { get; }

    IMessageStore Messages { get; }

    IEventStore Events { get; }

    IPresenceStore Presence { get; }

    IIdentityStore Identity { get; }

    IAdminStore Admin { get; }

    IReportStore Reports { get; }

    IAttemptCounterStore Counters { get; }

    INodeStore Nodes { get; }

    IPushStore Push { get; }

    IMediaStore Media { get; }

    /// <summary>Opens the store and applies pending migrations. Throws <see cref="StoreSchemaException"/> for a database this build cannot use.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers and its schema is the one this build expects.</summary>
    Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

/// <param name="Engine">"sqlite" or "postgres", for /readyz and the logs.</param>
public sealed record StoreHealth(bool IsHealthy, string Engine, int SchemaVersion, int ExpectedSchemaVersion, string? Problem);
