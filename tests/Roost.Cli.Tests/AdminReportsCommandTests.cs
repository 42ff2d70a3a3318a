using Roost.Cli;
using Roost.Cli.Commands;
using Roost.Client.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Cli.Tests;

/// <summary><c>roost admin reports</c> against an in-process instance.</summary>
public sealed class AdminReportsCommandTests
{
    private const string AdminToken = "admin-token-for-the-cli-report-tests";

    [Fact]
    public async Task Admin_reports_lists_shows_and_resolves_a_report_and_can_disable_the_reported_account()
    {
        await using var instance = await StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var sent = await bob.SendMessageAsync(conversation.Id, "cheap \u001b[31mpills\u001b[0m here").DefaultTimeout();
        var receipt = await alice.ReportMessageAsync(conversation.Id, sent.Seq, "spam", "Sent to the whole school.").DefaultTimeout();
        await using (var bobLive = await bob.ConnectLiveAsync())
        {
            await bobLive.DeleteAsync(conversation.Id, sent.Seq).DefaultTimeout();
        }

        var id = receipt.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = instance.BaseAddress.ToString();
        var (list, listOutput, _) = await RunAsync("admin", "reports", "list", "--url", url, "-t", AdminToken);
        var (show, showOutput, _) = await RunAsync("admin", "reports", "show", id, "--url", url, "-t", AdminToken);
        var (resolve, resolveOutput, _) = await RunAsync("admin", "reports", "resolve", id, "--resolution", "actioned", "--note", "spam run", "--disable-account", "--url", url, "-t", AdminToken);
        var (open, openOutput, _) = await RunAsync("admin", "reports", "list", "--status", "open", "--url", url, "-t", AdminToken);
        var (resolved, resolvedOutput, _) = await RunAsync("admin", "reports", "list", "--status", "resolved", "--url", url, "-t", AdminToken);

        Assert.Equal((0, 0, 0, 0, 0), (list, show, resolve, open, resolved));
        Assert.Contains(chat.BobLogin.Username, listOutput, StringComparison.Ordinal);
        Assert.Contains("open", listOutput, StringComparison.Ordinal);
        Assert.Contains("Sent to the whole school.", showOutput, StringComparison.Ordinal);
        Assert.Contains("cheap \\u001B[31mpills\\u001B[0m here", showOutput, StringComparison.Ordinal);
        Assert.Contains("actioned", resolveOutput, StringComparison.Ordinal);
        Assert.Contains("spam run", resolveOutput, StringComparison.Ordinal);
        Assert.Contains("is disabled", resolveOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(chat.BobLogin.Username, openOutput, StringComparison.Ordinal);
        Assert.Contains(chat.BobLogin.Username, resolvedOutput, StringComparison.Ordinal);
        Assert.All(new[] { listOutput, showOutput, resolveOutput, openOutput, resolvedOutput }, output => Assert.DoesNotContain('\u001b', output));
        await bob.GetAccountAsync().ShouldFailAsync("unauthorized");
        await instance.LoginAsync(chat.BobLogin.Username).ShouldFailAsync("account_disabled");
    }

    [Fact]
    public async Task Admin_reports_refuses_bad_arguments_and_shows_the_servers_answer()
    {
        await using var instance = await StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        var receipt = await alice.ReportAccountAsync(bobName, "harassment").DefaultTimeout();
        var id = receipt.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = instance.BaseAddress.ToString();

        var (badResolution, _, badResolutionError) = await RunAsync("admin", "reports", "resolve", id, "--resolution", "maybe", "--url", url, "-t", AdminToken);
        var (noResolution, _, _) = await RunAsync("admin", "reports", "resolve", id, "--url", url, "-t", AdminToken);
        var (badStatus, _, badStatusError) = await RunAsync("admin", "reports", "list", "--status", "closed", "--url", url, "-t", AdminToken);
        var (missing, missingOutput, _) = await RunAsync("admin", "reports", "show", "999999", "--url", url, "-t", AdminToken);
        var (contradiction, contradictionOutput, _) = await RunAsync("admin", "reports", "resolve", id, "--resolution", "dismissed", "--disable-account", "--url", url, "-t", AdminToken);
        var (noToken, noTokenOutput, _) = await RunAsync("admin", "reports", "list", "--url", url, "--admin-token", "");

        Assert.NotEqual(0, badResolution);
        Assert.Contains("maybe", badResolutionError, StringComparison.Ordinal);
        Assert.NotEqual(0, noResolution);
        Assert.NotEqual(0, badStatus);
        Assert.Contains("closed", badStatusError, StringComparison.Ordinal);
        Assert.Equal(1, missing);
        Assert.Contains("404 not_found", missingOutput, StringComparison.Ordinal);
        Assert.Equal(1, contradiction);
        Assert.Contains("400 validation_failed", contradictionOutput, StringComparison.Ordinal);
        Assert.Equal(2, noToken);
        Assert.Contains("admin token is required", noTokenOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("two\nlines\tand a tab", "two\nlines\tand a tab")]
    [InlineData("\u001b[2Jcleared", "\\u001B[2Jcleared")]
    [InlineData("bell\u0007 and \r return", "bell\\u0007 and \\u000D return")]
    [InlineData("evil\u202Etxt.exe", "evil\\u202Etxt.exe")]
    [InlineData("zero\u200Bwidth and\u2028separator", "zero\\u200Bwidth and\\u2028separator")]
    public void User_text_is_shown_without_terminal_control_characters(string text, string shown) =>
        Assert.Equal(shown, AdminReportsCommand.Safe(text));

    private static Task<RoostInstance> StartAsync() =>
        RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Admin:Token"] = AdminToken });

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoostCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }
}
