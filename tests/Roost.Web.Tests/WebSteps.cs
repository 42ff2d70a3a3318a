using Microsoft.Playwright;
using Roost.Server.Tests.Infrastructure;

namespace Roost.Web.Tests;

/// <summary>What a user does in the web client, step by step, each bounded.</summary>
internal static class WebSteps
{
    private const float Timeout = 15_000;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>A new browser context and page (a user not yet registered) on the server at <paramref name="baseAddress"/>.</summary>
    public static async Task<BrowserUser> NewUserAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1100, Height = 700 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        return new BrowserUser(context, page, UserHelpers.UniqueUsername("web"), baseAddress.ToString());
    }

    public static async Task RegisterAsync(BrowserUser user)
    {
        await user.Page.GotoAsync(user.BaseUrl);
        var form = user.Page.GetByRole(AriaRole.Form, new() { Name = "Register" });
        await form.GetByLabel("Username").FillAsync(user.Name);
        await form.GetByLabel("Password").FillAsync(UserHelpers.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(user.Page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
    }

    /// <summary>Both register; the first starts a direct chat with the second and is left looking at it.</summary>
    public static async Task RegisterAndStartChatAsync(BrowserUser first, BrowserUser second)
    {
        await RegisterAsync(first);
        await RegisterAsync(second);
        await StartDirectAsync(first, second.Name);
    }

    public static async Task StartDirectAsync(BrowserUser user, string with)
    {
        void Answer(object? sender, IDialog dialog) => dialog.AcceptAsync(with);
        user.Page.Dialog += Answer;
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Start a direct chat" }).ClickAsync();
        await Expect(user.Page.Locator("#composer")).ToBeVisibleAsync(new() { Timeout = Timeout });
        user.Page.Dialog -= Answer;
    }

    public static async Task OpenAsync(BrowserUser user, string name)
    {
        var item = user.Page.Locator("li[data-conversation]").Filter(new() { HasText = name });
        await Expect(item).ToBeVisibleAsync(new() { Timeout = Timeout });
        var id = await item.GetAttributeAsync("data-conversation");
        await item.ClickAsync();
        // Wait for this conversation's chat, not any composer: the previous one stays on screen while it loads.
        await Expect(user.Page.Locator($"#messages[data-conversation-id='{id}']")).ToBeAttachedAsync(new() { Timeout = Timeout });
        await Expect(user.Page.Locator("#composer")).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    public static async Task SendAsync(BrowserUser user, string text)
    {
        await user.Page.Locator("#composer").FillAsync(text);
        await user.Page.Locator("#composer").PressAsync("Enter");
        await Expect(user.Page.Locator("#messages .message.mine").Filter(new() { HasText = text }).Locator("[data-status]").Last)
            .Not.ToHaveAttributeAsync("data-status", "pending", new() { Timeout = Timeout });
    }

    /// <summary>Sets files on the composer's file input, as the attach button's picker would.</summary>
    public static Task AttachAsync(BrowserUser user, params string[] paths) =>
        user.Page.Locator("#attach-input").SetInputFilesAsync(paths);

    /// <summary>Drops a file on the chat: a DataTransfer built in the page, carried by drag events.</summary>
    public static Task DropFileAsync(BrowserUser user, string name, string type, byte[] bytes) =>
        user.Page.EvaluateAsync(
            """
            ([name, type, base64]) => {
              const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], name, { type }));
              const target = document.getElementById('messages');
              for (const kind of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(kind, { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """,
            new object[] { name, type, Convert.ToBase64String(bytes) });

    /// <summary>Pastes a file into the composer, as a screenshot pasted from the clipboard.</summary>
    public static Task PasteFileAsync(BrowserUser user, string name, string type, byte[] bytes) =>
        user.Page.EvaluateAsync(
            """
            ([name, type, base64]) => {
              const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], name, { type }));
              document.getElementById('composer').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """,
            new object[] { name, type, Convert.ToBase64String(bytes) });

    /// <summary>Waits until the composer holds <paramref name="count"/> attachments, all uploaded and processed.</summary>
    public static async Task WaitAttachmentsReadyAsync(BrowserUser user, int count, float timeout = 60_000)
    {
        await Expect(user.Page.Locator("#attachments .upload")).ToHaveCountAsync(count, new() { Timeout = Timeout });
        await Expect(user.Page.Locator("#attachments .upload[data-upload-state='ready']")).ToHaveCountAsync(count, new() { Timeout = timeout });
    }

    /// <summary>Sends what the composer holds (text and attachments) and waits until the server acknowledged it.</summary>
    public static async Task SendComposedAsync(BrowserUser user, string? text = null, float timeout = 60_000)
    {
        var before = await user.Page.Locator("#messages .message.mine[data-seq]").CountAsync();
        if (text is not null)
        {
            await user.Page.Locator("#composer").FillAsync(text);
        }

        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(user.Page.Locator("#messages .message.mine[data-seq]")).ToHaveCountAsync(before + 1, new() { Timeout = timeout });
        await Expect(user.Page.Locator("#messages .message.pending")).ToHaveCountAsync(0, new() { Timeout = timeout });
    }

    /// <summary>Waits until an image has loaded real pixels (bounded).</summary>
    public static async Task ImageLoadedAsync(BrowserUser user, ILocator image, float timeout = 30_000)
    {
        await Expect(image).ToBeVisibleAsync(new() { Timeout = timeout });
        var handle = await image.ElementHandleAsync(new() { Timeout = timeout });
        await user.Page.WaitForFunctionAsync("(img) => img.complete && img.naturalWidth > 0", handle, new() { Timeout = timeout });
    }

    /// <summary>The bytes at a URL, fetched by the page itself without a token (as an element's source is); a data: URL's own bytes.</summary>
    public static async Task<byte[]> FetchInPageAsync(BrowserUser user, string url) =>
        url.StartsWith("data:", StringComparison.Ordinal) ? Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]) : Convert.FromBase64String(await user.Page.EvaluateAsync<string>(
            """
            async (url) => {
              const response = await fetch(url);
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              const bytes = new Uint8Array(await response.arrayBuffer());
              let text = '';
              for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              return btoa(text);
            }
            """,
            url));

    /// <summary>The session token the page keeps, for calls to the API beside the browser.</summary>
    public static Task<string> TokenAsync(BrowserUser user) => user.Page.EvaluateAsync<string>("() => localStorage.getItem('roost.token')");

    /// <summary>Runs the steps; on failure saves a screenshot of every page still open beside the test output, then rethrows.</summary>
    public static async Task RunAsync(BrowserUser[] users, Func<Task> steps, TimeSpan? limit = null)
    {
        try
        {
            await steps().WaitAsync(limit ?? TimeSpan.FromSeconds(90));
        }
        catch
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            foreach (var user in users.Where(u => !u.Page.IsClosed))
            {
                var path = Path.Combine(folder, $"{TestContext.Current.Test?.TestDisplayName.Split('.').Last()}-{user.Name}.png");
                await user.Page.ScreenshotAsync(new() { Path = path, FullPage = true });
                TestContext.Current.SendDiagnosticMessage($"Screenshot: {path}");
            }

            throw;
        }
    }
}
