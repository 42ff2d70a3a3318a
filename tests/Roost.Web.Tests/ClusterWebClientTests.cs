using Microsoft.Playwright;
using Roost.Server.Tests.Infrastructure;

namespace Roost.Web.Tests;

/// <summary>Two nodes on one PostgreSQL database and RabbitMQ, as docs/operations.md "Running a cluster" brings them up, and headless Chromium.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private IPlaywright _playwright = null!;

    public RoostInstance First { get; private set; } = null!;

    public RoostInstance Second { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        (First, Second, _) = await RoostInstance.StartClusterAsync(overRabbitMq: true);
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}

/// <summary>Two users of the web client, each on another node, chat as they would on one.</summary>
public sealed class ClusterWebClientTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const float Timeout = 15_000;

    [Fact]
    public async Task Two_users_on_different_nodes_chat_see_read_ticks_typing_and_each_other_online_then_offline()
    {
        await using var alice = await UserAsync(cluster.First);
        await using var bob = await UserAsync(cluster.Second);
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.SendAsync(alice, "Hello from the other node");

            await WebSteps.OpenAsync(bob, alice.Name);
            await Expect(bob.Page.Locator("#messages .message .body").Filter(new() { HasText = "Hello from the other node" })).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Expect(alice.Page.Locator("#messages .message.mine [data-status]").Last).ToHaveAttributeAsync("data-status", "read", new() { Timeout = Timeout });

            await bob.Page.Locator("#composer").PressSequentiallyAsync("Typing");
            await Expect(alice.Page.Locator("#typing")).ToContainTextAsync("is typing", new() { Timeout = Timeout });
            await bob.Page.Locator("#composer").PressAsync("Enter");
            await Expect(alice.Page.Locator("#messages .message .body").Filter(new() { HasText = "Typing" })).ToBeVisibleAsync(new() { Timeout = Timeout });

            // Alice follows Bob's presence from the first node; he is connected to the second.
            await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("online", new() { Timeout = Timeout });
            await bob.Context.SetOfflineAsync(true);
            await Expect(alice.Page.Locator("#presence")).ToContainTextAsync("last seen", new() { Timeout = Timeout });
            await bob.Context.SetOfflineAsync(false);
            await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("online", new() { Timeout = Timeout });
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private Task<BrowserUser> UserAsync(RoostInstance node) => WebSteps.NewUserAsync(cluster.Browser, node.BaseAddress);
}
