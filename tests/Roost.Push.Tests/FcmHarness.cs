using System.Text;
using Roost.Core.Push;
using Roost.Push.Fcm;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

/// <summary>A sender and a local FCM (with its token endpoint) over loopback TLS, sharing one manual clock.</summary>
internal sealed class FcmHarness : IAsyncDisposable
{
    public const string ProjectId = "roost-test";
    public const string RegistrationToken = "dGVzdC1kZXZpY2U:APA91bHqR7x-kW3_example_registration_token";
    public const string Payload = """{"c":"42","kind":"message"}""";

    private FcmHarness(ManualTimeProvider time, FcmReceiver receiver)
    {
        Time = time;
        Receiver = receiver;
    }

    public ManualTimeProvider Time { get; }

    public FcmReceiver Receiver { get; }

    public FcmSender Sender { get; private set; } = null!;

    public static async Task<FcmHarness> StartAsync(Func<FcmReceiver, string>? serviceAccountJson = null)
    {
        var time = new ManualTimeProvider();
        var harness = new FcmHarness(time, await FcmReceiver.StartAsync(ProjectId, time));
        harness.Sender = new FcmSender(
            new FcmOptions
            {
                ServiceAccountJson = serviceAccountJson?.Invoke(harness.Receiver) ?? harness.Receiver.ServiceAccount.Json,
                SendUrl = harness.Receiver.Url.ToString(),
                RootCertificatePem = TestCertificates.Shared.AuthorityPem,
            },
            time,
            new RecordingLogger<FcmSender>());
        return harness;
    }

    public static PushDelivery Delivery(
        string token = RegistrationToken,
        string payload = Payload,
        PushUrgency urgency = PushUrgency.High,
        TimeSpan? timeToLive = null,
        string collapseKey = "conv-42") =>
        new(
            new PushTarget(9, 3, PushPlatform.Fcm, token, ProjectId, Sandbox: false, Voip: false, null, null, DateTimeOffset.UnixEpoch),
            Encoding.UTF8.GetBytes(payload),
            collapseKey,
            timeToLive ?? TimeSpan.FromHours(1),
            urgency,
            Guid.NewGuid());

    public Task<PushOutcome> SendAsync(PushDelivery delivery) => Sender.SendAsync(delivery, CancellationToken.None).DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        Sender?.Dispose();
        await Receiver.DisposeAsync();
    }
}
