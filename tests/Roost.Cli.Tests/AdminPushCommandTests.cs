using Roost.Cli;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Cli.Tests;

/// <summary><c>roost admin push</c> against an in-process instance whose push service is failing.</summary>
public sealed class AdminPushCommandTests
{
    private const string AdminToken = "admin-token-for-the-cli-push-tests";

    [Fact]
    public async Task Admin_push_shows_the_queue_the_senders_and_an_open_breaker()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        receiver.FailAll();
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Admin:Token"] = AdminToken,
            ["Roost:Push:WebPush:AllowPrivateEndpoints"] = "true",
            ["Roost:Push:BreakerFailures"] = "1",
            ["Roost:Push:BreakerOpenFor"] = "00:10:00",
        });
        using var chat = await instance.StartDirectChatAsync();
        var vapid = await chat.Bob.GetVapidKeyAsync().DefaultTimeout();
        var subscription = receiver.CreateSubscription(vapid.PublicKey);
        await chat.Bob.SetPushTargetAsync(new PushTargetRequest("webpush", Endpoint: subscription.Endpoint, Keys: new(subscription.P256dhBase64Url, subscription.AuthBase64Url))).DefaultTimeout();
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "hello?").DefaultTimeout();
        using (var admin = new Roost.Client.RoostClient(instance.BaseAddress) { AdminToken = AdminToken })
        {
            using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
            while ((await admin.GetAdminPushAsync(timeout.Token)).Breakers.Count == 0)
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        var (code, output, _) = await RunAsync("admin", "push", "--url", instance.BaseAddress.ToString(), "-t", AdminToken);

        Assert.Equal(0, code);
        Assert.Contains("webpush", output, StringComparison.Ordinal);
        // The partition's own row says open (the header "open until" would match anywhere).
        var row = Assert.Single(output.Split('\n'), line => line.Contains($"webpush:{receiver.Origin}", StringComparison.Ordinal));
        Assert.Matches(@"\bopen\b", row.Replace($"webpush:{receiver.Origin}", "", StringComparison.Ordinal));
        Assert.Contains("push targets", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoostCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }
}
