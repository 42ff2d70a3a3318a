using System.Security.Cryptography;
using System.Text;
using Roost.Core.Push;
using Roost.Push.Apns;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

/// <summary>A sender and two local APNs (production and sandbox) over loopback TLS, sharing one manual clock.</summary>
internal sealed class ApnsHarness : IAsyncDisposable
{
    public const string TeamId = "TEAM123456";
    public const string KeyId = "KEY7654321";
    public const string Topic = "com.example.roost";
    public const string DeviceToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    public const string Payload = """{"aps":{"alert":{"loc-key":"NEW_MESSAGE"},"mutable-content":1},"c":"42"}""";

    private ApnsHarness(ManualTimeProvider time, string privateKeyPem, ApnsReceiver production, ApnsReceiver sandbox)
    {
        Time = time;
        PrivateKeyPem = privateKeyPem;
        Production = production;
        Sandbox = sandbox;
    }

    public ManualTimeProvider Time { get; }

    public string PrivateKeyPem { get; }

    public ApnsReceiver Production { get; }

    public ApnsReceiver Sandbox { get; }

    public ApnsSender Sender { get; private set; } = null!;

    public RecordingLogger<ApnsSender> Logger { get; } = new();

    public static async Task<ApnsHarness> StartAsync(int connections = 2, string[]? senderTopics = null, string? senderKeyPem = null, string? rootPem = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new ManualTimeProvider();
        var production = await ApnsReceiver.StartAsync(TeamId, KeyId, key.ExportSubjectPublicKeyInfoPem(), [Topic], time);
        var sandbox = await ApnsReceiver.StartAsync(TeamId, KeyId, key.ExportSubjectPublicKeyInfoPem(), [Topic], time);
        var harness = new ApnsHarness(time, key.ExportPkcs8PrivateKeyPem(), production, sandbox);
        harness.Sender = new ApnsSender(
            new ApnsOptions
            {
                TeamId = TeamId,
                KeyId = KeyId,
                PrivateKeyPem = senderKeyPem ?? harness.PrivateKeyPem,
                Topics = senderTopics ?? [Topic],
                ProductionUrl = production.Url.ToString(),
                SandboxUrl = sandbox.Url.ToString(),
                Connections = connections,
                RootCertificatePem = rootPem ?? TestCertificates.Shared.AuthorityPem,
            },
            time,
            harness.Logger);
        return harness;
    }

    public static PushDelivery Delivery(
        string token = DeviceToken,
        string app = Topic,
        bool sandbox = false,
        bool voip = false,
        string payload = Payload,
        PushUrgency urgency = PushUrgency.High,
        TimeSpan? timeToLive = null,
        string collapseKey = "conv-42") =>
        new(
            new PushTarget(7, 3, PushPlatform.Apns, token, app, sandbox, voip, null, null, DateTimeOffset.UnixEpoch),
            Encoding.UTF8.GetBytes(payload),
            collapseKey,
            timeToLive ?? TimeSpan.FromHours(1),
            urgency,
            Guid.NewGuid());

    public Task<PushOutcome> SendAsync(PushDelivery delivery) => Sender.SendAsync(delivery, CancellationToken.None).DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        // The sender first: its connections close before the receivers stop.
        Sender?.Dispose();
        await Production.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
