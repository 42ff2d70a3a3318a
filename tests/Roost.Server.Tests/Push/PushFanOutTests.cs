using Microsoft.Extensions.DependencyInjection;
using Roost.Core.Push;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>A burst to many offline devices becomes a bounded stream: never more requests in flight than the limit.</summary>
public sealed class PushFanOutTests
{
    private const int Devices = 10_000;
    private const int Limit = 16;

    [Fact]
    public async Task Ten_thousand_queued_pushes_drain_within_the_concurrency_limit()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(
            ("Roost:Push:MaxConcurrencyPerProvider", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Roost:Push:RatePerPartition", "0")));
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);

        // Ten thousand signed-in devices of Bob's, each with its own subscription, written through the store (signing
        // in ten thousand times over HTTP would test the password hash, not push).
        var store = instance.Services.GetRequiredService<IRoostStore>();
        var now = DateTimeOffset.UtcNow;
        var subscriptions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in Enumerable.Range(0, Devices).Chunk(500))
        {
            await Task.WhenAll(chunk.Select(async i =>
            {
                var device = await store.Devices.CreateAsync(
                    new NewDevice(chat.BobLogin.AccountId, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), $"phone {i}", "web", "password", now, null),
                    CancellationToken.None);
                var subscription = receiver.CreateSubscription();
                lock (subscriptions)
                {
                    subscriptions.Add(subscription.Id);
                }

                Assert.True(await store.Push.RegisterAsync(
                    new PushTarget(device!.Id, chat.BobLogin.AccountId, PushPlatform.WebPush, subscription.Endpoint, subscription.Origin, false, false, subscription.P256dh, subscription.Auth, now),
                    CancellationToken.None));
            })).DefaultTimeout();
        }

        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "everyone, wake up").DefaultTimeout();

        var pushes = await receiver.WaitForAsync(Devices).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(subscriptions.Order(), pushes.Select(p => p.SubscriptionId).Order());
        var queue = await admin.WaitForQueueAsync(q => q.InFlight == 0 && q.Pending == 0);
        var provider = Assert.Single(queue.Providers);
        Assert.Equal(Limit, provider.MaxConcurrency);
        Assert.InRange(provider.PeakInFlight, 2, Limit);
        Assert.Equal(Devices, queue.Accepted);
    }
}
