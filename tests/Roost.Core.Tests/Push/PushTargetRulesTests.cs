using Roost.Core.Errors;
using Roost.Core.Push;

namespace Roost.Core.Tests.Push;

public sealed class PushTargetRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // The RFC 8291 §5 user agent's public key: a real point on P-256.
    private const string P256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string Auth = "BTBZMqHH6r4Tts7J_aSIgg";

    private static readonly PushCapabilities Everything = new(["com.example.chat"], ["roost-demo"], WebPush: true);

    [Fact]
    public void An_apns_token_is_lowercased_and_keeps_its_topic_and_environment()
    {
        var target = Validate(new NewPushTarget("apns", Token: "ABCDEF0123", Topic: "com.example.chat", Environment: "sandbox", Voip: true)).Value;
        Assert.Equal((PushPlatform.Apns, "abcdef0123", "com.example.chat", true, true), (target.Platform, target.Token, target.App, target.Sandbox, target.Voip));
    }

    [Theory]
    [InlineData("xyz", "com.example.chat", null, ErrorCodes.ValidationFailed)]
    [InlineData("abc", "com.example.chat", null, ErrorCodes.ValidationFailed)]
    [InlineData("abcd", "com.example.chat", "staging", ErrorCodes.ValidationFailed)]
    [InlineData("abcd", "com.other.app", null, PushErrorCodes.PlatformNotConfigured)]
    public void Bad_apns_registrations_are_refused(string token, string topic, string? environment, string code) =>
        Assert.Equal(code, Validate(new NewPushTarget("apns", Token: token, Topic: topic, Environment: environment)).Error?.Code);

    [Fact]
    public void An_fcm_token_takes_the_configured_project_by_default() =>
        Assert.Equal("roost-demo", Validate(new NewPushTarget("fcm", Token: "fcm:APA91b-token_x")).Value.App);

    [Fact]
    public void A_platform_the_server_has_no_credentials_for_is_refused()
    {
        var none = PushCapabilities.None;
        Assert.Equal(PushErrorCodes.PlatformNotConfigured, PushTargetRules.Validate(new NewPushTarget("fcm", Token: "t"), none, 1, 2, Now).Error?.Code);
        Assert.Equal(PushErrorCodes.PlatformNotConfigured, PushTargetRules.Validate(WebPush("https://push.example.net/x"), none, 1, 2, Now).Error?.Code);
        Assert.Equal(ErrorCodes.ValidationFailed, Validate(new NewPushTarget("smoke-signals")).Error?.Code);
    }

    [Fact]
    public void A_web_push_subscription_keeps_its_endpoint_keys_and_origin()
    {
        var target = Validate(WebPush("https://fcm.googleapis.com/fcm/send/abc:def")).Value;
        Assert.Equal("https://fcm.googleapis.com", target.App);
        Assert.Equal(65, target.P256dh!.Length);
        Assert.Equal(16, target.Auth!.Length);
        var allowed = PushTargetRules.Validate(WebPush("https://push.example.net:8443/x"), Everything with { AllowPrivateEndpoints = true }, 1, 2, Now);
        Assert.Equal("https://push.example.net:8443", allowed.Value.App);
    }

    [Theory]
    [InlineData("http://push.example.net/x")]
    [InlineData("https://localhost/x")]
    [InlineData("https://127.0.0.1/x")]
    [InlineData("https://10.0.0.5/x")]
    [InlineData("https://[::1]/x")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://intranet/x")]
    [InlineData("https://db.localhost/x")]
    [InlineData("https://push.example.net:22/x")]
    public void Web_push_endpoints_that_could_probe_the_operators_network_are_refused(string endpoint) =>
        Assert.Equal(PushErrorCodes.EndpointNotAllowed, Validate(WebPush(endpoint)).Error?.Code);

    [Fact]
    public void A_test_setting_allows_loopback_endpoints() =>
        Assert.True(PushTargetRules.Validate(WebPush("http://127.0.0.1:18089/push/1"), Everything with { AllowPrivateEndpoints = true }, 1, 2, Now).IsSuccess);

    [Theory]
    [InlineData("not a url", P256dh, Auth, "endpoint")]
    [InlineData("https://push.example.net/x", "BAAA", Auth, "keys.p256dh")]
    [InlineData("https://push.example.net/x", P256dh, "c2hvcnQ", "keys.auth")]
    public void Web_push_subscriptions_need_an_endpoint_and_both_keys(string endpoint, string p256dh, string auth, string field)
    {
        var error = Validate(new NewPushTarget("webpush", Endpoint: endpoint, P256dh: p256dh, Auth: auth)).Error;
        Assert.Equal(ErrorCodes.ValidationFailed, error?.Code);
        Assert.Contains(field, error!.FieldErrors!.Keys);
    }

    [Fact]
    public void A_p256dh_that_is_not_a_point_on_the_curve_is_refused()
    {
        var offCurve = "BA" + new string('A', 85);
        Assert.Equal(ErrorCodes.ValidationFailed, Validate(new NewPushTarget("webpush", Endpoint: "https://push.example.net/x", P256dh: offCurve, Auth: Auth)).Error?.Code);
    }

    private static Outcome<PushTarget> Validate(NewPushTarget request) => PushTargetRules.Validate(request, Everything, 1, 2, Now);

    private static NewPushTarget WebPush(string endpoint) => new("webpush", Endpoint: endpoint, P256dh: P256dh, Auth: Auth);
}
