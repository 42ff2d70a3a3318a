using System.Buffers.Text;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Roost.Client;
using Roost.Core.Delivery;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Web.Tests;

/// <summary>Headless Debian Chromium for the Web Push tests; each test starts its own instance and push service.</summary>
public sealed class WebPushBrowserFixture : IAsyncLifetime
{
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>
/// The web client's notifications in headless Chromium against a local push service (<see cref="WebPushReceiver"/>)
/// that verifies VAPID and decrypts as a browser would: "Enable notifications" registers /sw.js and hands the server
/// a subscription made for its VAPID key; with the tab closed, a message arrives as exactly one push carrying ids
/// and counts only; the service worker turns that push into a notification whose link opens the conversation, and
/// shows none while a tab of the app is focused.
/// </summary>
public sealed class WebPushClientTests(WebPushBrowserFixture fixture) : IClassFixture<WebPushBrowserFixture>
{
    private const float Timeout = 15_000;
    private const string AdminToken = "admin-token-for-the-web-push-tests";

    // PushTestSupport.Settings of Roost.Server.Tests (internal there): Web Push to loopback, a coalescing window no
    // test outlives, quick retries.
    private static readonly Dictionary<string, string> PushSettings = new()
    {
        ["Roost:Admin:Token"] = AdminToken,
        ["Roost:Push:WebPush:AllowPrivateEndpoints"] = "true",
        ["Roost:Push:WebPush:Subject"] = "mailto:web-push-tests@example.com",
        ["Roost:Push:CoalesceWindow"] = "00:10:00",
        ["Roost:Push:RetryBaseDelay"] = "00:00:00.200",
        ["Roost:Push:MaxRetryDelay"] = "00:00:01",
        ["Roost:Push:Lease"] = "00:00:05",
    };

    [Fact]
    public async Task Enabling_notifications_registers_the_service_worker_and_hands_the_server_a_subscription_for_its_vapid_key()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushSettings);
        await using var web = await WebPushUser.StartAsync(fixture.Browser, instance, receiver);
        await WebSteps.RunAsync([web.User], async () =>
        {
            await WebSteps.RegisterAsync(web.User);

            await web.EnableNotificationsAsync();

            // The worker is /sw.js, registered at the root and running.
            var registration = await web.User.Page.EvaluateAsync<string>("""
                async () => {
                  const registration = await navigator.serviceWorker.getRegistration();
                  const worker = registration?.active;
                  if (worker && worker.state !== 'activated') {
                    await new Promise((resolve) => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
                  }
                  return JSON.stringify(registration ? { scope: registration.scope, script: worker?.scriptURL ?? null, state: worker?.state ?? null } : null);
                }
                """).DefaultTimeout();
            using (var found = JsonDocument.Parse(registration))
            {
                Assert.Equal(JsonValueKind.Object, found.RootElement.ValueKind);
                Assert.Equal(web.User.BaseUrl, found.RootElement.GetProperty("scope").GetString());
                Assert.Equal($"{web.User.BaseUrl}sw.js", found.RootElement.GetProperty("script").GetString());
                Assert.Equal("activated", found.RootElement.GetProperty("state").GetString());
            }

            // pushManager.subscribe was asked once, for user-visible pushes signed by the server's VAPID key.
            var call = Assert.Single(await web.SubscribeCallsAsync());
            Assert.True(call.UserVisibleOnly);
            Assert.Equal(Base64Url.DecodeFromChars(web.VapidPublicKey), call.ApplicationServerKey);

            // The server holds a Web Push target at the receiver's origin for this browser's session.
            using var session = web.Session();
            var target = await session.GetPushTargetAsync().DefaultTimeout();
            Assert.Equal("webpush", target.Platform);
            Assert.Equal(receiver.Origin, target.App);
            Assert.False(target.Voip);
        });
    }

    [Fact]
    public async Task With_the_tab_closed_a_message_arrives_as_one_push_with_ids_and_counts_that_the_worker_shows_and_opens()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushSettings);
        await using var web = await WebPushUser.StartAsync(fixture.Browser, instance, receiver);
        var (alice, aliceName, _) = await instance.RegisterAndLoginAsync();
        using var _alice = alice;
        using var admin = new RoostClient(instance.BaseAddress) { AdminToken = AdminToken };
        await WebSteps.RunAsync([web.User], async () =>
        {
            await WebSteps.RegisterAsync(web.User);
            await web.EnableNotificationsAsync();
            var conversation = await alice.CreateDirectAsync(web.User.Name).DefaultTimeout();

            // The tab closes (the browser stays, as it does when a tab is closed); the server sees the device leave.
            await web.CloseTabAsync();

            const string Secret = "meet me at the secret place";
            var sent = await alice.SendMessageAsync(conversation.Id, Secret).DefaultTimeout();

            // Exactly one push: it went through on the first request (VAPID verified, for the key the page subscribed
            // with) and nothing else is queued or in flight.
            var push = Assert.Single(await receiver.WaitForAsync(1).DefaultTimeout());
            await admin.WaitForPushQueueAsync(q => q.Pending == 0 && q.InFlight == 0 && q.Accepted == 1);
            Assert.Single(receiver.Received);
            Assert.Equal(1, receiver.RequestCount);
            Assert.Equal(web.Subscription.Id, push.SubscriptionId);
            Assert.Equal(receiver.Origin, push.Vapid.Audience);
            Assert.Equal(web.VapidPublicKey, push.Vapid.PublicKey);
            Assert.Equal("mailto:web-push-tests@example.com", push.Vapid.Subject);
            Assert.Equal("high", push.Urgency);
            Assert.Equal($"conv-{conversation.Id}", push.Topic);

            var payload = Encoding.UTF8.GetString(push.Plaintext);
            Assert.DoesNotContain("secret", payload, StringComparison.Ordinal);
            using (var document = JsonDocument.Parse(payload))
            {
                var root = document.RootElement;
                Assert.Equal("message", root.GetProperty("type").GetString());
                Assert.Equal(conversation.Id, root.GetProperty("conversationId").GetInt64());
                Assert.Equal(sent.Seq, root.GetProperty("seq").GetInt64());
                Assert.Equal(1, root.GetProperty("unread").GetInt64());
                Assert.Equal(1, root.GetProperty("messages").GetInt32());
                Assert.True(root.TryGetProperty("cursor", out _));
                Assert.False(root.TryGetProperty("preview", out _));
            }

            // The browser would now hand the decrypted payload to the worker; DevTools delivers it the same way (a
            // real push event), and with no tab of the app open the worker shows one notification without the text.
            var notification = await web.DeliverWithNoTabOpenAsync(payload);
            Assert.Equal("Roost", notification.Title);
            Assert.Equal("New message", notification.Body);
            Assert.Equal($"conv-{conversation.Id}", notification.Tag);
            Assert.Equal(conversation.Id, notification.ConversationId);

            // A click opens /#conversation=ID (sw.js's openWindow with no tab open): the app opens that conversation.
            var page = await web.OpenTabAsync($"#conversation={conversation.Id}");
            await Assertions.Expect(page.Locator($"#messages[data-conversation-id='{conversation.Id}']")).ToBeAttachedAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator("#messages .message .body").Filter(new() { HasText = Secret })).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator("#main h2")).ToHaveTextAsync(aliceName, new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task A_push_while_a_tab_of_the_app_is_focused_shows_no_notification()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushSettings);
        await using var web = await WebPushUser.StartAsync(fixture.Browser, instance, receiver);
        await WebSteps.RunAsync([web.User], async () =>
        {
            await WebSteps.RegisterAsync(web.User);
            await web.EnableNotificationsAsync();

            // Two of the worker's calls are wrapped to be counted (they still do what they did): its window lists and notifications.
            var worker = await web.RunningWorkerAsync();
            await worker.EvaluateAsync<bool>("""
                () => {
                  const matchAll = self.clients.matchAll.bind(self.clients);
                  const show = self.registration.showNotification.bind(self.registration);
                  self.roostWatch = { matched: [], shown: 0 };
                  self.clients.matchAll = (...args) => matchAll(...args).then((windows) => { self.roostWatch.matched.push(windows.map((w) => w.focused)); return windows; });
                  self.registration.showNotification = (...args) => { self.roostWatch.shown++; return show(...args); };
                  return true;
                }
                """).DefaultTimeout();

            // A push while the app's tab (headless Chromium's pages count as focused) is open, delivered over that tab.
            await web.DeliverPushAsync(web.User.Page, """{"type":"message","conversationId":7,"seq":1,"cursor":1,"unread":1,"messages":1}""");

            // Once the handler has its window list, it decides in the same task: a later task sees what it did.
            var watched = await worker.EvaluateAsync<string>("""
                async () => {
                  while (self.roostWatch.matched.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
                  await new Promise((resolve) => setTimeout(resolve, 0));
                  return JSON.stringify({ ...self.roostWatch, listed: (await self.registration.getNotifications()).length });
                }
                """).DefaultTimeout();
            using var result = JsonDocument.Parse(watched);
            var matched = Assert.Single(result.RootElement.GetProperty("matched").EnumerateArray().ToList());
            Assert.Contains(matched.EnumerateArray(), focused => focused.GetBoolean());
            Assert.Equal(0, result.RootElement.GetProperty("shown").GetInt32());
            Assert.Equal(0, result.RootElement.GetProperty("listed").GetInt32());
        });
    }

    /// <summary>One browser user with the notifications permission and a stubbed push subscription, on one instance.</summary>
    private sealed class WebPushUser : IAsyncDisposable
    {
        private readonly RoostInstance _instance;
        private string? _token;

        private WebPushUser(RoostInstance instance, BrowserUser user, WebPushSubscription subscription, string vapidPublicKey)
        {
            _instance = instance;
            User = user;
            Subscription = subscription;
            VapidPublicKey = vapidPublicKey;
        }

        public BrowserUser User { get; private set; }

        /// <summary>The receiver's subscription the stub hands the page, made for the server's VAPID key.</summary>
        public WebPushSubscription Subscription { get; }

        public string VapidPublicKey { get; }

        public static async Task<WebPushUser> StartAsync(IBrowser browser, RoostInstance instance, WebPushReceiver receiver)
        {
            using var anonymous = instance.CreateClient();
            var vapid = (await anonymous.GetVapidKeyAsync().DefaultTimeout()).PublicKey;
            var subscription = receiver.CreateSubscription(vapid);

            var baseUrl = instance.BaseAddress.ToString();
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1100, Height = 700 } });
            context.SetDefaultTimeout(Timeout);
            await context.GrantPermissionsAsync(["notifications"], new() { Origin = baseUrl.TrimEnd('/') });
            await context.AddInitScriptAsync(SubscribeStub(subscription));
            var page = await context.NewPageAsync();
            return new WebPushUser(instance, new BrowserUser(context, page, UserHelpers.UniqueUsername("web"), baseUrl), subscription, vapid);
        }

        /// <summary>Clicks "Enable notifications" and waits for the VAPID key and the subscription to have gone to the server.</summary>
        public async Task EnableNotificationsAsync()
        {
            var page = User.Page;
            var vapidKey = page.WaitForResponseAsync(r => r.Url == $"{User.BaseUrl}v1/push/vapid-key" && r.Request.Method == "GET");
            var target = page.WaitForResponseAsync(r => r.Url == $"{User.BaseUrl}v1/push/target" && r.Request.Method == "PUT");
            await page.Locator("#notifications").ClickAsync();
            Assert.Equal(200, (await vapidKey).Status);
            var registered = await target;
            Assert.Equal(200, registered.Status);
            using (var sent = JsonDocument.Parse(registered.Request.PostData ?? "null"))
            {
                var body = sent.RootElement;
                Assert.Equal("webpush", body.GetProperty("platform").GetString());
                Assert.Equal(Subscription.Endpoint, body.GetProperty("endpoint").GetString());
                Assert.Equal(JsonValueKind.Null, body.GetProperty("expirationTime").ValueKind);
                Assert.Equal(Subscription.P256dhBase64Url, body.GetProperty("keys").GetProperty("p256dh").GetString());
                Assert.Equal(Subscription.AuthBase64Url, body.GetProperty("keys").GetProperty("auth").GetString());
            }

            var button = page.Locator("#notifications");
            await Assertions.Expect(button).ToHaveTextAsync("Notifications on", new() { Timeout = Timeout });
            await Assertions.Expect(button).ToBeDisabledAsync(new() { Timeout = Timeout });
            _token = await page.EvaluateAsync<string>("() => localStorage.getItem('roost.token')").DefaultTimeout();
        }

        /// <summary>What the page passed to pushManager.subscribe, each time.</summary>
        public async Task<IReadOnlyList<SubscribeCall>> SubscribeCallsAsync()
        {
            var json = await User.Page.EvaluateAsync<string>("() => JSON.stringify(window.__roostSubscribeCalls ?? [])").DefaultTimeout();
            using var calls = JsonDocument.Parse(json);
            return [.. calls.RootElement.EnumerateArray().Select(c => new SubscribeCall(
                c.GetProperty("userVisibleOnly").GetBoolean(),
                [.. c.GetProperty("applicationServerKey").EnumerateArray().Select(b => b.GetByte())]))];
        }

        /// <summary>A client signed in as this browser's session (its token from the page's storage).</summary>
        public RoostClient Session()
        {
            var client = _instance.CreateClient();
            client.AccessToken = _token ?? throw new InvalidOperationException("Notifications are not enabled yet.");
            return client;
        }

        /// <summary>Closes the app's only tab and waits until the server no longer has this device connected.</summary>
        public async Task CloseTabAsync()
        {
            using var session = Session();
            var accountId = (await session.GetAccountAsync().DefaultTimeout()).Id;
            var deviceId = (await session.GetDevicesAsync().DefaultTimeout()).Single(d => d.Current).Id;
            await User.Page.CloseAsync();

            var router = _instance.Services.GetRequiredService<EventRouter>();
            using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
            while (router.IsDeviceConnectedHere(accountId, deviceId))
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        /// <summary>A new tab of the app at <paramref name="fragment"/>, as a notification click opens it.</summary>
        public async Task<IPage> OpenTabAsync(string fragment)
        {
            var page = await User.Context.NewPageAsync();
            User = User with { Page = page };
            await page.GotoAsync($"{User.BaseUrl}{fragment}");
            return page;
        }

        /// <summary>
        /// Delivers <paramref name="data"/> to /sw.js as a real push event, as the browser does with a push it has
        /// decrypted: through DevTools' ServiceWorker.deliverPushMessage (what DevTools' "Push" button does), over a
        /// DevTools session of <paramref name="host"/> (a tab of this browser context).
        /// </summary>
        public async Task DeliverPushAsync(IPage host, string data)
        {
            var session = await User.Context.NewCDPSessionAsync(host);
            var registrationId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            session.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
            {
                foreach (var registration in update?.GetProperty("registrations").EnumerateArray() ?? default)
                {
                    if (registration.GetProperty("scopeURL").GetString() == User.BaseUrl && !registration.GetProperty("isDeleted").GetBoolean())
                    {
                        registrationId.TrySetResult(registration.GetProperty("registrationId").GetString()!);
                    }
                }
            };
            await session.SendAsync("ServiceWorker.enable");
            var id = await registrationId.Task.DefaultTimeout();
            await session.SendAsync("ServiceWorker.deliverPushMessage", new() { ["origin"] = User.BaseUrl.TrimEnd('/'), ["registrationId"] = id, ["data"] = data });
            await session.DetachAsync();
        }

        /// <summary>Delivers <paramref name="data"/> from a blank tab (no tab of the app is open) and returns the one notification the worker shows.</summary>
        public async Task<ShownNotification> DeliverWithNoTabOpenAsync(string data)
        {
            var blank = await User.Context.NewPageAsync();
            await DeliverPushAsync(blank, data);
            await blank.CloseAsync();

            // The push handler shows it asynchronously: wait (bounded) for the registration to list it.
            var worker = await RunningWorkerAsync();
            var json = await worker.EvaluateAsync<string>("""
                async () => {
                  for (;;) {
                    const shown = await self.registration.getNotifications();
                    if (shown.length > 0) return JSON.stringify(shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, conversationId: n.data?.conversationId ?? null })));
                    await new Promise((resolve) => setTimeout(resolve, 20));
                  }
                }
                """).DefaultTimeout();
            using var notifications = JsonDocument.Parse(json);
            var notification = Assert.Single(notifications.RootElement.EnumerateArray().ToList());
            return new ShownNotification(
                notification.GetProperty("title").GetString()!,
                notification.GetProperty("body").GetString()!,
                notification.GetProperty("tag").GetString()!,
                notification.GetProperty("conversationId").GetInt64());
        }

        /// <summary>
        /// The context's running /sw.js. Playwright for .NET leaves BrowserContext.serviceWorkers (of its other languages)
        /// off IBrowserContext; its Chromium context keeps the list all the same, read here. Waits (bounded) for the worker
        /// to be running (a push starts it).
        /// </summary>
        public async Task<IWorker> RunningWorkerAsync()
        {
            var property = User.Context.GetType().GetProperty("ServiceWorkers", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{User.Context.GetType()} has no ServiceWorkers: Playwright changed.");
            using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
            while (true)
            {
                var workers = (IEnumerable<IWorker>)property.GetValue(User.Context)!;
                if (workers.FirstOrDefault(w => w.Url == $"{User.BaseUrl}sw.js") is { } worker)
                {
                    return worker;
                }

                await Task.Delay(20, timeout.Token);
            }
        }

        public ValueTask DisposeAsync() => User.DisposeAsync();

        /// <summary>
        /// Why a stub: headless Chromium cannot subscribe for real. Its pushManager.subscribe() goes to Google's push
        /// service (FCM), which a test on loopback cannot reach, and here it fails at once anyway ("AbortError:
        /// Registration failed - permission denied", with the notifications permission granted). The stub answers as
        /// the browser would with a push service at the local receiver: a PushSubscription-like object for the
        /// receiver's subscription (made with the server's VAPID key, so the receiver only takes pushes signed by it),
        /// whose options.applicationServerKey is the key the page passed in. It records each call for the test.
        /// </summary>
        private static string SubscribeStub(WebPushSubscription subscription)
        {
            var planned = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["endpoint"] = subscription.Endpoint,
                ["p256dh"] = subscription.P256dhBase64Url,
                ["auth"] = subscription.AuthBase64Url,
            });
            return $$"""
                (() => {
                  if (typeof PushManager === 'undefined') return;
                  const planned = {{planned}};
                  const calls = [];
                  window.__roostSubscribeCalls = calls;
                  let current = null;
                  const bytesOf = (key) => key instanceof ArrayBuffer ? new Uint8Array(key.slice(0)) : new Uint8Array(key.buffer.slice(key.byteOffset, key.byteOffset + key.byteLength));
                  PushManager.prototype.getSubscription = async function () { return current; };
                  PushManager.prototype.subscribe = async function (options = {}) {
                    const key = bytesOf(options.applicationServerKey);
                    calls.push({ userVisibleOnly: options.userVisibleOnly === true, applicationServerKey: Array.from(key) });
                    const json = { endpoint: planned.endpoint, expirationTime: null, keys: { p256dh: planned.p256dh, auth: planned.auth } };
                    current = {
                      endpoint: planned.endpoint,
                      expirationTime: null,
                      options: { userVisibleOnly: options.userVisibleOnly === true, applicationServerKey: key.buffer },
                      toJSON: () => structuredClone(json),
                      unsubscribe: async () => { current = null; return true; },
                    };
                    return current;
                  };
                })();
                """;
        }
    }

    private sealed record SubscribeCall(bool UserVisibleOnly, byte[] ApplicationServerKey);

    private sealed record ShownNotification(string Title, string Body, string Tag, long ConversationId);
}

internal static class AdminPushWaits
{
    /// <summary>Reads the admin view of the push queue until it shows what the test waits for (bounded).</summary>
    public static async Task WaitForPushQueueAsync(this RoostClient admin, Func<Roost.Protocol.Rest.AdminPushResponse, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (!done(await admin.GetAdminPushAsync(timeout.Token)))
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
