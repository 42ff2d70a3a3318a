using Roost.Core.Storage;
using Roost.Server.Options;
using Roost.Storage.Postgres;
using Roost.Storage.Sqlite;

namespace Roost.Server.Storage;

/// <summary>Registers the configured engine as the one <see cref="IRoostStore"/> (Roost:Storage:Engine).</summary>
internal static class StorageSetup
{
    /// <param name="exclusiveNode">Whether this node must be the only one on a PostgreSQL database (no bus joins it to others).</param>
    public static IServiceCollection AddRoostStore(this IServiceCollection services, StorageOptions storage, bool exclusiveNode)
    {
        // The message append queues no push for a device connected here.
        services.AddSingleton<Core.Push.IConnectedDevices>(provider => provider.GetRequiredService<Core.Delivery.EventRouter>());
        if (storage.Engine == StorageEngine.Postgres)
        {
            services.AddSingleton(storage.ToPostgres() with { ExclusiveNode = exclusiveNode });
            services.AddSingleton<PostgresStore>();
            services.AddSingleton<IRoostStore>(provider => provider.GetRequiredService<PostgresStore>());
        }
        else
        {
            services.AddSingleton(storage.ToSqlite());
            services.AddSingleton<SqliteStore>();
            services.AddSingleton<IRoostStore>(provider => provider.GetRequiredService<SqliteStore>());
        }

        return services;
    }
}
