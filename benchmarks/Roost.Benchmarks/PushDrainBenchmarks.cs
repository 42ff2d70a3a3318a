using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Delivery;
using Roost.Core.Messaging;
using Roost.Core.Push;
using Roost.Core.Sessions;
using Roost.Push.Apns;
using Roost.Push.WebPush;
using Roost.Testing.Push;

namespace Roost.Benchmarks;

/// <summary>
/// Pushes per second through the durable queue: one message to an account with <see cref="Devices"/> offline
/// devices queues that many jobs in the append's transaction; the dispatcher claims, encrypts (Web Push) or signs
/// (APNs) and sends them to the local receivers on loopback, which verify and decrypt each, and records each answer.
/// The time per operation is the time per push, end to end, on the embedded SQLite store.
/// </summary>
[MemoryDiagnoser]
public class PushDrainBenchmarks
{
    private const int Devices = 1_000;
    private BenchStore _bench = null!;
    private PushDispatcher _dispatcher = null!;
    private IAsyncDisposable _receiver = null!;
    private Func<int, Task> _waitFor = null!;
    private IDisposable _sender = null!;
    private VapidKeys? _vapid;
    private int _expected;
    private long _next;

    [Params("webpush", "apns")]
    public string Provider { get; set; } = "webpush";

    [Params(16, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var signal = new PushSignal();
        _bench = await BenchStore.OpenAsync(signal);
        var store = _bench.Store;
        IPushSender sender;
        Func<long, PushTarget> target;
        if (Provider == "webpush")
        {
            var receiver = await WebPushReceiver.StartAsync();
            _vapid = VapidKeys.Create();
            var web = new WebPushSender(new WebPushOptions { Subject = "mailto:bench@example.com", AllowPrivateEndpoints = true, AllowHttp = true }, _vapid, TimeProvider.System, NullLogger<WebPushSender>.Instance);
            (sender, _sender, _receiver, _waitFor) = (web, web, receiver, count => receiver.WaitForAsync(count));
            target = device =>
            {
                var subscription = receiver.CreateSubscription(_vapid.PublicKeyBase64Url);
                return new PushTarget(device, _bench.BobId, PushPlatform.WebPush, subscription.Endpoint, subscription.Origin, false, false, subscription.P256dh, subscription.Auth, DateTimeOffset.UtcNow);
            };
        }
        else
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var receiver = await ApnsReceiver.StartAsync("TEAM123456", "KEY7654321", key.ExportSubjectPublicKeyInfoPem(), ["com.example.roost"], TimeProvider.System);
            var apns = new ApnsSender(
                new ApnsOptions
                {
                    TeamId = "TEAM123456",
                    KeyId = "KEY7654321",
                    PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(),
                    Topics = ["com.example.roost"],
                    ProductionUrl = receiver.Url.ToString(),
                    SandboxUrl = receiver.Url.ToString(),
                    RootCertificatePem = TestCertificates.Shared.AuthorityPem,
                },
                TimeProvider.System,
                NullLogger<ApnsSender>.Instance);
            (sender, _sender, _receiver, _waitFor) = (apns, apns, receiver, receiver.WaitForAsync);
            target = device => new PushTarget(device, _bench.BobId, PushPlatform.Apns, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "com.example.roost", false, false, null, null, DateTimeOffset.UtcNow);
        }

        await BenchStore.InParallelAsync(50, Devices, async () =>
        {
            var device = await store.Devices.CreateAsync(new NewDevice(_bench.BobId, RandomNumberGenerator.GetBytes(32), "phone", "ios", "password", DateTimeOffset.UtcNow, null), CancellationToken.None);
            await store.Push.RegisterAsync(target(device!.Id), CancellationToken.None);
        });

        // No coalescing window: every message pushes every device again, so each invocation drains a full burst.
        var policy = new PushPolicy { CoalesceWindow = TimeSpan.Zero, MaxConcurrencyPerProvider = Concurrency, RatePerPartition = 0, ClaimBatch = 500 };
        _dispatcher = new PushDispatcher(store, signal, [sender], new LocalDeviceLiveness(new EventRouter()), policy, TimeProvider.System, NullLogger<PushDispatcher>.Instance);
        _dispatcher.Start();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _dispatcher.DisposeAsync();
        _sender.Dispose();
        _vapid?.Dispose();
        await _receiver.DisposeAsync();
        await _bench.DisposeAsync();
    }

    /// <summary>One message, a burst of 1,000 pushes; divide by 1,000 for one push.</summary>
    [Benchmark(OperationsPerInvoke = Devices)]
    public async Task DrainBurst()
    {
        _expected += Devices;
        var id = Interlocked.Increment(ref _next);
        await _bench.Store.Messages.AppendAsync(new NewMessage(_bench.ConversationId, _bench.AliceId, "p" + id, "wake up", null, DateTimeOffset.UtcNow), CancellationToken.None);
        await _waitFor(_expected).WaitAsync(TimeSpan.FromMinutes(2));
    }
}
