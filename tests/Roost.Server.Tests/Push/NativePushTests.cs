using System.Security.Cryptography;
using System.Text.Json;
using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>
/// A whole instance pushing to the local APNs (HTTP/2 over TLS, ES256 provider tokens checked) and FCM (OAuth with an
/// RS256 assertion, then HTTP v1) receivers, configured as an operator would: key files readable only by the server,
/// the receivers' CA as the one trusted root.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NativePushTests
{
    private const string TeamId = "TEAM123456";
    private const string KeyId = "KEY7654321";
    private const string Topic = "com.example.roost";
    private const string DeviceToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string ProjectId = "roost-push-tests";
    private const string RegistrationToken = "dGVzdC1kZXZpY2U:APA91bHqR7x-kW3_example_registration_token";

    [Fact]
    public async Task An_offline_ios_device_gets_an_apns_alert_with_ids_only_and_a_dead_token_is_removed()
    {
        using var files = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var production = await ApnsReceiver.StartAsync(TeamId, KeyId, key.ExportSubjectPublicKeyInfoPem(), [Topic], time);
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(
            ("Roost:Push:Apns:TeamId", TeamId),
            ("Roost:Push:Apns:KeyId", KeyId),
            ("Roost:Push:Apns:PrivateKeyFile", PrivateFile(files, "apns.p8", key.ExportPkcs8PrivateKeyPem())),
            ("Roost:Push:Apns:Topics", Topic),
            ("Roost:Push:Apns:ProductionUrl", production.Url.ToString()),
            ("Roost:Push:Apns:SandboxUrl", production.Url.ToString()),
            ("Roost:Push:Apns:RootCertificate", PrivateFile(files, "ca.pem", TestCertificates.Shared.AuthorityPem))), time);
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        var registered = await chat.Bob.SetPushTargetAsync(new PushTargetRequest("apns", Token: DeviceToken.ToUpperInvariant(), Topic: Topic)).DefaultTimeout();
        Assert.Equal(("apns", Topic, "production"), (registered.Platform, registered.App, registered.Environment));

        var sent = await chat.Alice.SendMessageAsync(chat.Conversation.Id, "the secret plans").DefaultTimeout();
        await production.WaitForAsync(1).DefaultTimeout();

        var push = Assert.Single(production.Received);
        Assert.Equal(DeviceToken, push.DeviceToken);
        Assert.Equal(("alert", Topic, "10", $"conv-{chat.Conversation.Id}"), (push.Header("apns-push-type"), push.Header("apns-topic"), push.Header("apns-priority"), push.Header("apns-collapse-id")));
        Assert.DoesNotContain("secret", System.Text.Encoding.UTF8.GetString(push.Body), StringComparison.Ordinal);
        using (var body = JsonDocument.Parse(push.Body))
        {
            Assert.Equal("ROOST_NEW_MESSAGE", body.RootElement.GetProperty("aps").GetProperty("alert").GetProperty("loc-key").GetString());
            Assert.Equal(sent.Seq, body.RootElement.GetProperty("roost").GetProperty("seq").GetInt64());
        }

        // The push is answered and its window recorded (from the clock then) before the clock moves past the window.
        await admin.WaitForQueueAsync(q => q.Accepted == 1 && q.InFlight == 0);

        // Past the coalescing window, APNs says the token is no longer valid (since after it was registered): the target goes.
        time.Advance(TimeSpan.FromMinutes(10));
        production.Unregister(DeviceToken, registered.RegisteredAt.AddSeconds(1));
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "still there?").DefaultTimeout();
        var queue = await admin.WaitForQueueAsync(q => q.TargetsRemoved == 1 && q.Targets == 0);
        Assert.Equal(0, queue.Pending);
        await chat.Bob.GetPushTargetAsync().ShouldFailAsync("not_found");
    }

    [Fact]
    public async Task An_offline_android_device_gets_an_fcm_data_message_with_string_values_and_a_quota_answer_is_retried()
    {
        using var files = new TempDirectory();
        await using var fcm = await FcmReceiver.StartAsync(ProjectId, TimeProvider.System);
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(
            ("Roost:Push:Fcm:ServiceAccountFile", PrivateFile(files, "service-account.json", fcm.ServiceAccount.Json)),
            ("Roost:Push:Fcm:SendUrl", fcm.Url.ToString()),
            ("Roost:Push:Fcm:RootCertificate", PrivateFile(files, "ca.pem", TestCertificates.Shared.AuthorityPem))));
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        var registered = await chat.Bob.SetPushTargetAsync(new PushTargetRequest("fcm", Token: RegistrationToken)).DefaultTimeout();
        Assert.Equal(ProjectId, registered.App);
        fcm.RespondNext(FcmError.QuotaExceeded(TimeSpan.FromSeconds(1)));

        var sent = await chat.Alice.SendMessageAsync(chat.Conversation.Id, "the secret plans").DefaultTimeout();
        await fcm.WaitForAsync(1).DefaultTimeout();

        var message = Assert.Single(fcm.Received);
        Assert.Equal(RegistrationToken, message.Token);
        Assert.Equal("message", message.Data["type"]);
        Assert.Equal(chat.Conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Data["conversationId"]);
        Assert.Equal(sent.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Data["seq"]);
        Assert.DoesNotContain("secret", message.Message.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, fcm.TokensIssued);
        Assert.Equal(1, (await admin.GetAdminPushAsync().DefaultTimeout()).Retried);
    }

    [Fact]
    public async Task A_server_refuses_to_start_with_a_key_file_others_can_read()
    {
        using var files = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(files.Path, "apns.p8");
        await File.WriteAllTextAsync(path, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(
                ("Roost:Push:Apns:TeamId", TeamId),
                ("Roost:Push:Apns:KeyId", KeyId),
                ("Roost:Push:Apns:PrivateKeyFile", path),
                ("Roost:Push:Apns:Topics", Topic)));
        }).DefaultTimeout();
        Assert.Contains("apns.p8", failure.ToString(), StringComparison.Ordinal);
    }

    private static string PrivateFile(TempDirectory directory, string name, string content)
    {
        var path = Path.Combine(directory.Path, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
