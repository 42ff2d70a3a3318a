using Microsoft.Playwright;
using Roost.Server.Tests.Infrastructure;

namespace Roost.Web.Tests;

/// <summary>What a user does in the web client, step by step, each bounded.</summary>
internal static class WebSteps
{
    private const float Timeout = 15_000;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

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

    /// <summary>Runs the steps; on failure saves a screenshot of every page still open beside the test output, then rethrows.</summary>
    public static async Task RunAsync(BrowserUser[] users, Func<Task> steps)
    {
        try
        {
            await steps().WaitAsync(TimeSpan.FromSeconds(90));
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
