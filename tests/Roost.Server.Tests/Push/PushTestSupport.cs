using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>Settings and steps the push tests share: Web Push to local receivers on loopback, an admin view of the queue.</summary>
internal static class PushTestSupport
{
    public const string AdminToken = "admin-token-for-the-push-tests";

    /// <summary>Web Push to loopback receivers, a coalescing window no test outlives unless it moves the clock, quick retries.</summary>
    public static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Roost:Admin:Token"] = AdminToken,
            ["Roost:Push:WebPush:AllowPrivateEndpoints"] = "true",
            ["Roost:Push:WebPush:Subject"] = "mailto:push-tests@example.com",
            ["Roost:Push:CoalesceWindow"] = "00:10:00",
            ["Roost:Push:RetryBaseDelay"] = "00:00:00.200",
            ["Roost:Push:MaxRetryDelay"] = "00:00:01",
            ["Roost:Push:Lease"] = "00:00:05",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Registers, for the client's session, a subscription of the receiver made with the server's VAPID key (as a browser would).</summary>
    public static async Task<WebPushSubscription> SubscribeAsync(this RoostClient client, WebPushReceiver receiver)
    {
        var vapid = await client.GetVapidKeyAsync().DefaultTimeout();
        var subscription = receiver.CreateSubscription(vapid.PublicKey);
        await client.SetPushTargetAsync(new PushTargetRequest(
            "webpush",
            Endpoint: subscription.Endpoint,
            Keys: new PushSubscriptionKeys(subscription.P256dhBase64Url, subscription.AuthBase64Url))).DefaultTimeout();
        return subscription;
    }

    public static RoostClient Admin(Uri baseAddress) => new(baseAddress) { AdminToken = AdminToken };

    /// <summary>Reads the admin view of the push queue until it shows what the test waits for (bounded).</summary>
    public static async Task<AdminPushResponse> WaitForQueueAsync(this RoostClient admin, Func<AdminPushResponse, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (true)
        {
            var queue = await admin.GetAdminPushAsync(timeout.Token);
            if (done(queue))
            {
                return queue;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
