using Roost.Testing;
using Microsoft.Playwright;
using Roost.Core.Identity;
using Roost.Server.Tests.Infrastructure;

namespace Roost.Web.Tests;

/// <summary>The web client in a real headless Chromium, two or three browser contexts as different users.</summary>
public sealed class WebClientTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;

    [Fact]
    public async Task Two_users_register_chat_and_see_ticks_reach_read_and_the_typing_indicator()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.SendAsync(alice, "Hello Bob!");

            // Bob sees the conversation with one unread message, opens it, and reads it.
            await Expect(bob.Page.Locator("li[data-conversation]").Filter(new() { HasText = alice.Name }).Locator("[data-unread='1']")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await WebSteps.OpenAsync(bob, alice.Name);
            await Expect(bob.Page.Locator("#messages .message .body").Filter(new() { HasText = "Hello Bob!" })).ToBeVisibleAsync(new() { Timeout = Timeout });

            // Alice's tick moves to read.
            await Expect(alice.Page.Locator("#messages .message.mine [data-status]").Last).ToHaveAttributeAsync("data-status", "read", new() { Timeout = Timeout });

            // Bob types; Alice sees it.
            await bob.Page.Locator("#composer").PressSequentiallyAsync("Typing");
            await Expect(alice.Page.Locator("#typing")).ToContainTextAsync("is typing", new() { Timeout = Timeout });
            await bob.Page.Locator("#composer").PressAsync("Enter");
            await Expect(alice.Page.Locator("#messages .message .body").Filter(new() { HasText = "Typing" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task A_group_of_three_exchanges_messages()
    {
        await using var owner = await UserAsync();
        await using var bob = await UserAsync();
        await using var carol = await UserAsync();
        await WebSteps.RunAsync([owner, bob, carol], async () =>
        {
            await WebSteps.RegisterAsync(owner);
            await WebSteps.RegisterAsync(bob);
            await WebSteps.RegisterAsync(carol);
            owner.Page.Dialog += (_, dialog) => dialog.AcceptAsync(dialog.Message.StartsWith("Group title", StringComparison.Ordinal) ? "Trio" : $"{bob.Name}, {carol.Name}");
            await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Create a group" }).ClickAsync();
            await Expect(owner.Page.Locator("#composer")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await WebSteps.SendAsync(owner, "Welcome to the trio");

            foreach (var member in new[] { bob, carol })
            {
                await WebSteps.OpenAsync(member, "Trio");
                await Expect(member.Page.Locator("#messages .message .body").Filter(new() { HasText = "Welcome to the trio" })).ToBeVisibleAsync(new() { Timeout = Timeout });
            }

            await WebSteps.SendAsync(carol, "Hi both");
            await Expect(bob.Page.Locator("#messages .message .body").Filter(new() { HasText = "Hi both" })).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Expect(owner.Page.Locator("#messages .message .body").Filter(new() { HasText = "Hi both" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task Reloading_keeps_the_session_and_the_history()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.SendAsync(alice, "Still here after a reload");

            await alice.Page.ReloadAsync();
            await WebSteps.OpenAsync(alice, bob.Name);

            await Expect(alice.Page.Locator("#messages .message .body").Filter(new() { HasText = "Still here after a reload" })).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Expect(alice.Page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task Cutting_the_network_and_restoring_it_resyncs_with_nothing_lost()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.SendAsync(alice, "before the cut");
            await WebSteps.OpenAsync(bob, alice.Name);
            await Expect(bob.Page.Locator("#messages .message .body").Filter(new() { HasText = "before the cut" })).ToBeVisibleAsync(new() { Timeout = Timeout });

            await bob.Context.SetOfflineAsync(true);
            await Expect(bob.Page.Locator("#status")).Not.ToHaveTextAsync("connected", new() { Timeout = Timeout });
            for (var i = 1; i <= 5; i++)
            {
                await WebSteps.SendAsync(alice, $"while offline {i}");
            }

            await bob.Context.SetOfflineAsync(false);
            await Expect(bob.Page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
            for (var i = 1; i <= 5; i++)
            {
                await Expect(bob.Page.Locator("#messages .message .body").Filter(new() { HasText = $"while offline {i}" })).ToHaveCountAsync(1, new() { Timeout = Timeout });
            }

            var bodies = await bob.Page.Locator("#messages .message .body").AllInnerTextsAsync();
            Assert.Equal(["before the cut", "while offline 1", "while offline 2", "while offline 3", "while offline 4", "while offline 5"], bodies);
        });
    }

    [Fact]
    public async Task A_message_containing_markup_renders_as_text()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            const string Hostile = "<script>window.pwned = true</script><img src=x onerror=\"window.pwned = true\">";
            await WebSteps.SendAsync(alice, Hostile);
            await WebSteps.OpenAsync(bob, alice.Name);

            var body = bob.Page.Locator("#messages .message .body").Last;
            await Expect(body).ToHaveTextAsync(Hostile, new() { Timeout = Timeout });
            Assert.Equal(0, await bob.Page.Locator("#messages img, #messages script").CountAsync());
            Assert.False(await bob.Page.EvaluateAsync<bool>("() => window.pwned === true"));
        });
    }

    [Fact]
    public async Task Older_history_loads_on_request()
    {
        await using var alice = await UserAsync();
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            var (bob, bobName, _) = await fixture.Instance.RegisterAndLoginAsync();
            using var _b = bob;
            var conversation = await bob.CreateDirectAsync(alice.Name);
            for (var i = 1; i <= 60; i++)
            {
                await bob.SendMessageAsync(conversation.Id, $"history {i}");
            }

            await WebSteps.OpenAsync(alice, bobName);
            await Expect(alice.Page.Locator("#messages .message .body").Filter(new() { HasText = "history 60" })).ToBeVisibleAsync(new() { Timeout = Timeout });
            Assert.Equal(0, await alice.Page.Locator("#messages .message .body").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^history 1$") }).CountAsync());

            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Load older messages" }).ClickAsync();

            await Expect(alice.Page.Locator("#messages .message .body").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^history 1$") })).ToHaveCountAsync(1, new() { Timeout = Timeout });
            Assert.Equal(60, await alice.Page.Locator("#messages .message").CountAsync());
        });
    }

    [Fact]
    public async Task A_user_turns_on_an_authenticator_and_then_logs_in_with_it()
    {
        await using var alice = await UserAsync();
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Devices" }).ClickAsync();
            var setUp = alice.Page.GetByRole(AriaRole.Form, new() { Name = "Set up an authenticator app" });
            await setUp.GetByLabel("Password").FillAsync(UserHelpers.Password);
            await setUp.GetByRole(AriaRole.Button).ClickAsync();
            var secret = AuthenticatorApp.DecodeSecret(await alice.Page.Locator("#totp-secret").InnerTextAsync());
            Assert.True(await alice.Page.GetByAltText("QR code of the authenticator key").IsVisibleAsync());
            var confirm = alice.Page.GetByRole(AriaRole.Form, new() { Name = "Confirm the authenticator app" });
            var confirmCode = confirm.GetByLabel("Code");
            await confirmCode.WaitForAsync();

            // Each code is computed for the current step just before it is typed, so a slow machine cannot let it expire
            // (the server accepts one step either side); the login code must be from a later step than the confirmation's.
            var confirmedStep = Totp.StepAt(DateTimeOffset.UtcNow);
            await confirmCode.FillAsync(Totp.Compute(secret, confirmedStep));
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
            await Expect(alice.Page.Locator("#recovery-codes li")).ToHaveCountAsync(10, new() { Timeout = Timeout });

            // Log out and back in: the password alone now leads to the code step.
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
            var login = alice.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" });
            await login.GetByLabel("Username").FillAsync(alice.Name);
            await login.GetByLabel("Password").FillAsync(UserHelpers.Password);
            await login.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            var second = alice.Page.GetByRole(AriaRole.Form, new() { Name = "Second factor" });
            var secondCode = second.GetByLabel("Code", new() { Exact = true });
            await secondCode.WaitForAsync();
            await secondCode.FillAsync(Totp.Compute(secret, Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), confirmedStep + 1)));
            await second.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(alice.Page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task A_peer_who_is_already_online_when_the_chat_is_created_shows_as_online()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            // Both are online before they share a conversation, so neither gets a presence frame about the other.
            await WebSteps.RegisterAndStartChatAsync(alice, bob);

            await Expect(alice.Page.Locator("li[data-conversation]").Filter(new() { HasText = bob.Name }).Locator(".dot.online")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Expect(bob.Page.Locator("li[data-conversation]").Filter(new() { HasText = alice.Name }).Locator(".dot.online")).ToBeVisibleAsync(new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task The_open_chat_follows_its_peer_going_offline_and_coming_back()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            // Alice is left looking at the chat: she subscribes to Bob's presence, and is told of each change.
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("online", new() { Timeout = Timeout });

            await bob.Context.SetOfflineAsync(true);
            await Expect(alice.Page.Locator("#presence")).ToContainTextAsync("last seen", new() { Timeout = Timeout });
            await bob.Context.SetOfflineAsync(false);
            await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("online", new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task Logging_out_draws_the_login_page_once_and_keeps_what_the_user_types()
    {
        await using var alice = await UserAsync();
        await WebSteps.RunAsync([alice], async () =>
        {
            // Counts login pages drawn, socket closes whose handlers (the client's included) have all run, and DELETE
            // requests whose callers have run (a task queued when the body is read runs after their continuations).
            await alice.Page.AddInitScriptAsync("""
                window.authDraws = 0;
                window.closesHandled = 0;
                window.deletesHandled = 0;
                const nativeFetch = window.fetch;
                window.fetch = (input, init) => nativeFetch(input, init).then((response) => {
                  if (init?.method !== 'DELETE') return response;
                  const text = response.text.bind(response);
                  response.text = () => text().finally(() => setTimeout(() => { window.deletesHandled++; }, 0));
                  return response;
                });
                new MutationObserver((records) => {
                  for (const record of records) for (const node of record.addedNodes) if (node.classList?.contains('auth')) window.authDraws++;
                }).observe(document, { childList: true, subtree: true });
                const NativeWebSocket = window.WebSocket;
                window.WebSocket = class extends NativeWebSocket {
                  constructor(...args) {
                    super(...args);
                    this.addEventListener('close', () => setTimeout(() => { window.closesHandled++; }, 0));
                  }
                };
                """);
            await WebSteps.RegisterAsync(alice);
            var drawsBefore = await alice.Page.EvaluateAsync<int>("() => window.authDraws");

            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
            var username = alice.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" }).GetByLabel("Username");
            await username.FillAsync(alice.Name);
            await alice.Page.WaitForFunctionAsync("() => window.closesHandled >= 1 && window.deletesHandled >= 1", null, new() { Timeout = Timeout });

            Assert.Equal(drawsBefore + 1, await alice.Page.EvaluateAsync<int>("() => window.authDraws"));
            await Expect(username).ToHaveValueAsync(alice.Name, new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task The_device_list_shows_this_browser()
    {
        await using var alice = await UserAsync();
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Devices" }).ClickAsync();

            await Expect(alice.Page.GetByRole(AriaRole.Region, new() { Name = "Devices" })).ToContainTextAsync("Web browser (this device)", new() { Timeout = Timeout });
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private Task<BrowserUser> UserAsync() => WebSteps.NewUserAsync(fixture.Browser, fixture.Instance.BaseAddress);
}

public sealed record BrowserUser(IBrowserContext Context, IPage Page, string Name, string BaseUrl) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
