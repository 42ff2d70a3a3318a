using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Roost.Core.Accounts;
using Roost.Core.Cluster;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.Moderation;
using Roost.Core.Presence;
using Roost.Core.Push;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Bus.RabbitMq;
using Roost.Server.Auth;
using Roost.Server.Cluster;
using Roost.Server.Endpoints;
using Roost.Server.Gateway;
using Roost.Server.Health;
using Roost.Server.Http;
using Roost.Server.Identity;
using Roost.Server.Messaging;
using Roost.Server.OpenApi;
using Roost.Server.Push;
using Roost.Server.Media;
using Roost.Server.Options;
using Roost.Server.RateLimiting;
using Roost.Server.Storage;

namespace Roost.Server;

/// <summary>
/// A whole Roost instance: options, services, HTTP pipeline and store. <c>Program</c> runs one; tests start
/// several in-process on ephemeral loopback ports.
/// </summary>
public sealed class RoostHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RoostHost(WebApplication app, RoostOptions options)
    {
        _app = app;
        Options = options;
    }

    public RoostOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The addresses Kestrel is listening on (with the real port when 0 was asked for). Valid after start.</summary>
    public IReadOnlyList<Uri> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

    /// <summary>Builds an instance from command-line arguments and the usual configuration sources. Throws <see cref="RoostConfigurationException"/> for a bad configuration.</summary>
    /// <param name="time">The clock; tests pass a manual one to move time without sleeping.</param>
    /// <param name="sharedBus">
    /// Nodes in one process that form a cluster over an in-process bus: tests start several on one PostgreSQL database.
    /// Null: this node is alone on its own bus (and, on PostgreSQL, refuses a database another node serves).
    /// </param>
    public static RoostHost Create(string[] args, string? environmentName = null, TimeProvider? time = null, InProcessBusHub? sharedBus = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = environmentName,

            // appsettings.json ships beside the binary; data paths stay relative to the working folder.
            ContentRootPath = AppContext.BaseDirectory,
        });
        var options = RoostOptionsLoader.Load(builder.Configuration, builder.Environment.EnvironmentName);

        builder.WebHost.UseUrls(options.Server.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = options.Server.InlineSocketScheduling);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Server.MaxJsonBodyBytes;

            // Kestrel's own rejections (a %00 in the path, a broken request line) get problem+json like every other 4xx.
            kestrel.ConfigureEndpointDefaults(listen => listen.UseProblemRejections());
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Server.ShutdownTimeout);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time ?? TimeProvider.System);

        // Committed events go from the store's writer straight to the router, in commit order, and on to other nodes.
        var nodeId = NodeIdentity.From(options.Cluster);
        var overRabbitMq = sharedBus is null && options.Cluster.Bus == ClusterBus.RabbitMq;
        services.AddSingleton(new NodeContext(
            nodeId,
            options.Cluster.Address.Length > 0 ? options.Cluster.Address : options.Server.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "",
            Clustered: overRabbitMq || sharedBus is not null,
            options.Cluster.HeartbeatInterval,
            options.Cluster.DeadAfter));
        if (overRabbitMq)
        {
            services.AddSingleton<IEventBus>(provider => new RabbitMqEventBus(
                options.Cluster.ToRabbitMq(nodeId, provider.GetRequiredService<Core.Identity.SecretProtector>().BusKey),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<RabbitMqEventBus>>()));
        }
        else
        {
            services.AddSingleton<IEventBus>(_ => new InProcessEventBus(sharedBus ?? new InProcessBusHub()));
        }

        services.AddSingleton<EventRouter>();
        services.AddSingleton<PushSignal>();
        services.AddSingleton<ICommittedEventListener>(provider => new CommittedEventListeners(
            provider.GetRequiredService<EventRouter>(), provider.GetRequiredService<PushSignal>()));
        services.AddSingleton<IConnectionCloser>(provider => provider.GetRequiredService<EventRouter>());
        services.AddRoostStore(options.Storage, exclusiveNode: sharedBus is null && !overRabbitMq);
        services.AddSingleton<IPasswordHasher>(new Pbkdf2PasswordHasher(options.Accounts.PasswordHashIterations));
        services.AddSingleton<AccountService>();
        services.AddRoostIdentity(options);
        services.AddSingleton<SessionService>();
        services.AddSingleton(options.Messaging.ToLimits());
        services.AddSingleton(provider => new MessageRateLimiter(options.Messaging.RateLimits, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ConversationService>();
        services.AddSingleton<MessagingService>();
        services.AddSingleton(options.Moderation.ToLimits());
        services.AddSingleton<ReportService>();
        services.AddSingleton<Core.Admin.AdminService>();
        services.AddSingleton<IPresenceWatchers, PresenceWatchers>();
        services.AddSingleton<PresenceService>();
        services.AddSingleton<PresenceRefresher>();
        services.AddSingleton<OnlineRows>();
        services.AddSingleton<NodeRegistry>();
        services.AddHostedService<NodeHeartbeatService>();
        services.AddRoostPush(options);
        services.AddRoostMedia(options);
        services.AddSingleton<GatewayServices>();
        services.AddSingleton<EventCompactionService>();
        services.AddHostedService(provider => provider.GetRequiredService<EventCompactionService>());

        services.AddRoostHttp();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, configureOptions: null);
        services.AddAuthorization();
        services.AddRoostRateLimiting(options.RateLimits);
        var health = services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        if (overRabbitMq)
        {
            health.AddCheck<BusHealthCheck>("bus", tags: ["ready"]);
        }

        services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseUtf8Bodies();
        if (options.Server.InlineSocketScheduling)
        {
            app.Use(InlineScheduling.LeaveIoThreadUnlessGateway(GatewayEndpoint.Path));
        }

        app.Use(CoalescingUpgradeFeature.For(GatewayEndpoint.Path));
        app.UseWebSockets();

        // The web client: static files from wwwroot, with a policy that allows nothing from elsewhere and no inline script
        // (except media from the store that authorized downloads are redirected to).
        var mediaOrigin = options.Media.RedirectOrigin() is { } origin ? " " + origin : "";
        var webPolicy = $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{mediaOrigin}; media-src 'self'{mediaOrigin}; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'";
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
            {
                context.Response.Headers.ContentSecurityPolicy = webPolicy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
            }

            await next();
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        // After authentication: the per-account password-check policy partitions by the signed-in user.
        app.UseRateLimiter();
        app.UseAdminToken(options);

        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = ReadinessResponse.WriteAsync });
        app.MapOpenApi();
        var v1 = app.MapGroup("/v1");
        v1.MapAccountEndpoints();
        v1.MapSessionEndpoints();
        v1.MapConversationEndpoints();
        v1.MapMessageEndpoints();
        v1.MapPresenceEndpoints();
        v1.MapIdentityEndpoints();
        v1.MapReportEndpoints();
        v1.MapPushEndpoints();
        v1.MapTusEndpoints();
        v1.MapMediaEndpoints();
        v1.MapAdminEndpoints(options);
        v1.MapGateway();
        return new RoostHost(app, options);
    }

    /// <summary>Opens the store (applying migrations) and then starts listening: no request is served before the store is ready.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.Services.GetRequiredService<IRoostStore>().InitializeAsync(cancellationToken);

        // The identity key is read (and its file's permissions checked) now, so an unsafe key file stops the start
        // instead of failing the first sign-in that needs it.
        _app.Services.GetRequiredService<Core.Identity.SecretProtector>();

        // Presence listens to the router from the first connection on; the bus delivers to the router from then on too.
        _app.Services.GetRequiredService<PresenceService>();
        _app.Services.GetRequiredService<PresenceRefresher>();
        await _app.Services.GetRequiredService<NodeRegistry>().RegisterAsync(cancellationToken);
        await _app.Services.GetRequiredService<IEventBus>().StartAsync(_app.Services.GetRequiredService<EventRouter>(), cancellationToken);
        await _app.StartAsync(cancellationToken);
    }

    /// <summary>Runs until SIGTERM or Ctrl-C, then stops accepting, lets in-flight requests finish and closes the store.</summary>
    public async Task RunAsync()
    {
        await StartAsync();
        await _app.WaitForShutdownAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Stops if still running, then disposes the services; the store drains its write queue and closes.</summary>
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
