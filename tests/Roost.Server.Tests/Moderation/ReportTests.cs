using System.Net;
using System.Net.WebSockets;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Moderation;

/// <summary>One instance with the admin API on, shared by the report tests; each test uses its own users.</summary>
public sealed class ModerationInstance : IAsyncLifetime
{
    public const string AdminToken = "admin-token-for-the-report-tests";

    public RoostInstance Instance { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Admin:Token"] = AdminToken });

    public ValueTask DisposeAsync() => Instance.DisposeAsync();
}

/// <summary>Users report messages and accounts; operators review and resolve the reports through the admin API.</summary>
public sealed class ReportTests(ModerationInstance shared) : IClassFixture<ModerationInstance>, IDisposable
{
    private readonly RoostClient _admin = CreateAdmin(shared.Instance);

    private RoostInstance Instance => shared.Instance;

    public void Dispose() => _admin.Dispose();

    [Fact]
    public async Task A_reported_message_keeps_the_body_it_had_when_reported_after_the_sender_edits_and_deletes_it()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var sent = await bob.SendMessageAsync(conversation.Id, "cheap pills, click here").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        var receipt = await alice.ReportMessageAsync(conversation.Id, sent.Seq, "spam", "He sends this to everyone.").DefaultTimeout();
        await bobLive.EditAsync(conversation.Id, sent.Seq, "nothing to see").DefaultTimeout();
        await bobLive.DeleteAsync(conversation.Id, sent.Seq).DefaultTimeout();

        var report = await _admin.ShowReportAsync(receipt.Id).DefaultTimeout();
        var history = (await alice.GetMessagesAsync(conversation.Id).DefaultTimeout()).Messages.Single(m => m.Seq == sent.Seq);
        Assert.False(receipt.Duplicate);
        Assert.Equal("open", receipt.Status);
        Assert.Null(history.Body);
        Assert.Equal(("message", "open", "spam", "He sends this to everyone."), (report.Kind, report.Status, report.Reason, report.Comment));
        Assert.Equal((chat.AliceLogin.AccountId, chat.AliceLogin.Username), (report.ReporterId, report.ReporterUsername));
        Assert.Equal((chat.BobLogin.AccountId, chat.BobLogin.Username), (report.TargetAccountId, report.TargetUsername));
        var message = Assert.IsType<ReportedMessageResponse>(report.Message);
        Assert.Equal((conversation.Id, "direct", sent.Seq, "cheap pills, click here", sent.SentAt), (message.ConversationId, message.ConversationKind, message.Seq, message.Body, message.SentAt));
        Assert.Null(message.EditedAt);
    }

    [Fact]
    public async Task Only_a_member_who_can_see_a_message_may_report_it_and_a_refused_report_stores_nothing()
    {
        var (owner, _, _) = await Instance.RegisterAndLoginAsync();
        var (late, lateName, lateLogin) = await Instance.RegisterAndLoginAsync();
        var (outsider, _, outsiderLogin) = await Instance.RegisterAndLoginAsync();
        using var _o = owner;
        using var _l = late;
        using var _x = outsider;
        var group = await owner.CreateGroupAsync("Reports", []).DefaultTimeout();
        var before = await owner.SendMessageAsync(group.Id, "sent before the late member joined").DefaultTimeout();
        await owner.AddMembersAsync(group.Id, [lateName]).DefaultTimeout();
        var after = await owner.SendMessageAsync(group.Id, "sent after").DefaultTimeout();

        await outsider.ReportMessageAsync(group.Id, after.Seq, "harassment").ShouldFailAsync("not_a_member");
        await outsider.ReportMessageAsync(999_999, 1, "harassment").ShouldFailAsync("not_a_member");
        await late.ReportMessageAsync(group.Id, before.Seq, "harassment").ShouldFailAsync("not_found");
        await late.ReportMessageAsync(group.Id, 999, "harassment").ShouldFailAsync("not_found");
        var allowed = await late.ReportMessageAsync(group.Id, after.Seq, "harassment").DefaultTimeout();

        var reports = await AllReportsAsync();
        Assert.DoesNotContain(reports, r => r.ReporterId == outsiderLogin.AccountId);
        Assert.Equal([allowed.Id], reports.Where(r => r.ReporterId == lateLogin.AccountId).Select(r => r.Id));
        Assert.Equal("group", (await _admin.ShowReportAsync(allowed.Id).DefaultTimeout()).Message!.ConversationKind);
    }

    [Fact]
    public async Task A_deleted_message_cannot_be_reported_but_its_sender_can()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var sent = await bob.SendMessageAsync(conversation.Id, "gone soon").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();
        await bobLive.DeleteAsync(conversation.Id, sent.Seq).DefaultTimeout();

        await alice.ReportMessageAsync(conversation.Id, sent.Seq, "spam").ShouldFailAsync("message_deleted");
        var account = await alice.ReportAccountAsync(chat.BobLogin.Username, "spam").DefaultTimeout();

        Assert.Equal(chat.BobLogin.AccountId, (await _admin.ShowReportAsync(account.Id).DefaultTimeout()).TargetAccountId);
    }

    [Fact]
    public async Task An_account_is_reported_by_username_or_id_and_a_repeat_answers_with_the_open_report()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;

        var first = await alice.ReportAccountAsync(bobName.ToUpperInvariant(), "harassment", "Keeps messaging me.").DefaultTimeout();
        var again = await alice.ReportAsync(new CreateReportRequest("account", "harassment", AccountId: bobLogin.AccountId)).DefaultTimeout();
        var report = await _admin.ShowReportAsync(first.Id).DefaultTimeout();

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal((first.Id, first.CreatedAt), (again.Id, again.CreatedAt));
        Assert.Equal(("account", bobLogin.AccountId, bobName, aliceLogin.AccountId), (report.Kind, report.TargetAccountId, report.TargetUsername, report.ReporterId));
        Assert.Null(report.Message);
        Assert.Single(await AllReportsAsync(), r => r.ReporterId == aliceLogin.AccountId);
    }

    [Fact]
    public async Task A_new_report_answers_201_and_a_repeat_200()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var http = Instance.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", alice.AccessToken);
        var body = $$"""{"kind":"account","username":"{{bobName}}","reason":"other"}""";

        using var created = await http.PostAsync(new Uri("v1/reports", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();
        using var repeated = await http.PostAsync(new Uri("v1/reports", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
    }

    [Fact]
    public async Task Reporting_your_own_account_or_message_is_refused()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, _, conversation) = chat;
        var mine = await alice.SendMessageAsync(conversation.Id, "my own words").DefaultTimeout();

        await alice.ReportAccountAsync(chat.AliceLogin.Username, "spam").ShouldFailAsync("cannot_report_self");
        await alice.ReportAsync(new CreateReportRequest("account", "spam", AccountId: chat.AliceLogin.AccountId)).ShouldFailAsync("cannot_report_self");
        await alice.ReportMessageAsync(conversation.Id, mine.Seq, "spam").ShouldFailAsync("cannot_report_self");

        Assert.DoesNotContain(await AllReportsAsync(), r => r.ReporterId == chat.AliceLogin.AccountId);
    }

    [Fact]
    public async Task A_bad_report_is_refused_naming_the_member_that_is_wrong()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;

        var reason = await alice.ReportAccountAsync(bobName, "boring").ShouldFailAsync("validation_failed");
        var comment = await alice.ReportAccountAsync(bobName, "spam", new string('x', 1001)).ShouldFailAsync("validation_failed");
        var control = await alice.ReportAccountAsync(bobName, "spam", "bell\u0007").ShouldFailAsync("validation_failed");
        var kind = await alice.ReportAsync(new CreateReportRequest("post", "spam")).ShouldFailAsync("validation_failed");
        var seq = await alice.ReportAsync(new CreateReportRequest("message", "spam", ConversationId: 1)).ShouldFailAsync("validation_failed");
        var both = await alice.ReportAsync(new CreateReportRequest("account", "spam", Username: bobName, AccountId: 1)).ShouldFailAsync("validation_failed");
        await alice.ReportAccountAsync("nobody_by_this_name", "spam").ShouldFailAsync("not_found");
        await alice.ReportAsync(new CreateReportRequest("account", "spam", AccountId: 999_999)).ShouldFailAsync("not_found");
        var longest = await alice.ReportAccountAsync(bobName, "other", new string('x', 1000)).DefaultTimeout();

        Assert.Contains("reason", reason.Errors.Keys);
        Assert.Contains("comment", comment.Errors.Keys);
        Assert.Contains("comment", control.Errors.Keys);
        Assert.Contains("kind", kind.Errors.Keys);
        Assert.Contains("seq", seq.Errors.Keys);
        Assert.Contains("username", both.Errors.Keys);
        Assert.Equal(1000, (await _admin.ShowReportAsync(longest.Id).DefaultTimeout()).Comment!.Length);
    }

    [Fact]
    public async Task A_reporter_has_only_so_many_reports_open_and_more_are_taken_once_operators_resolve_one()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Admin:Token"] = ModerationInstance.AdminToken,
            ["Roost:Moderation:MaxOpenReportsPerAccount"] = "2",
        });
        using var admin = CreateAdmin(instance);
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        var targets = await instance.RegisterUsersAsync(3);

        var first = await alice.ReportAccountAsync(targets[0], "spam").DefaultTimeout();
        await alice.ReportAccountAsync(targets[1], "spam").DefaultTimeout();
        var full = await alice.ReportAccountAsync(targets[2], "spam").ShouldFailAsync("too_many_open_reports");
        var repeat = await alice.ReportAccountAsync(targets[0], "spam").DefaultTimeout();
        await admin.ResolveReportAsync(first.Id, "dismissed").DefaultTimeout();
        var afterReview = await alice.ReportAccountAsync(targets[2], "spam").DefaultTimeout();

        Assert.Equal(HttpStatusCode.TooManyRequests, full.Status);
        Assert.True(repeat.Duplicate);
        Assert.False(afterReview.Duplicate);
    }

    [Fact]
    public async Task A_reporter_makes_only_so_many_reports_per_window_and_is_told_when_to_retry()
    {
        var time = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(
            new Dictionary<string, string>
            {
                ["Roost:Moderation:ReportsPerAccount:PermitLimit"] = "2",
                ["Roost:Moderation:ReportsPerAccount:Window"] = "01:00:00",
            },
            time);
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        var targets = await instance.RegisterUsersAsync(3);

        await alice.ReportAccountAsync(targets[0], "spam").DefaultTimeout();
        time.Advance(TimeSpan.FromMinutes(20));
        await alice.ReportAccountAsync(targets[1], "spam").DefaultTimeout();
        var limited = await alice.ReportAccountAsync(targets[2], "spam").ShouldFailAsync("rate_limited");
        time.Advance(TimeSpan.FromMinutes(41));
        var later = await alice.ReportAccountAsync(targets[2], "spam").DefaultTimeout();

        Assert.Equal(TimeSpan.FromMinutes(40), limited.RetryAfter);
        Assert.False(later.Duplicate);
    }

    [Fact]
    public async Task An_operator_resolves_a_report_disabling_the_reported_account_which_signs_it_out_everywhere()
    {
        using var chat = await Instance.StartDirectChatAsync();
        var (alice, bob, conversation) = chat;
        var sent = await bob.SendMessageAsync(conversation.Id, "threat").DefaultTimeout();
        var receipt = await alice.ReportMessageAsync(conversation.Id, sent.Seq, "violence").DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();

        var open = await AllReportsAsync("open");
        var resolved = await _admin.ResolveReportAsync(receipt.Id, "actioned", "  Threat of violence; account disabled.  ", disableAccount: true).DefaultTimeout();
        await bobLive.Completion.DefaultTimeout();

        Assert.Contains(open, r => r.Id == receipt.Id && r.Status == "open" && r.ConversationId == conversation.Id && r.Seq == sent.Seq);
        Assert.Equal(("resolved", "actioned", "Threat of violence; account disabled.", "admin"), (resolved.Status, resolved.Resolution, resolved.ResolutionNote, resolved.ResolvedBy));
        Assert.NotNull(resolved.ResolvedAt);
        Assert.NotNull(resolved.TargetDisabledAt);
        Assert.Equal((WebSocketCloseStatus)4003, bobLive.CloseStatus);
        await bob.GetAccountAsync().ShouldFailAsync("unauthorized");
        await Instance.LoginAsync(chat.BobLogin.Username).ShouldFailAsync("account_disabled");
        await alice.GetAccountAsync().DefaultTimeout();
        Assert.DoesNotContain(await AllReportsAsync("open"), r => r.Id == receipt.Id);
        Assert.Contains(await AllReportsAsync("resolved"), r => r.Id == receipt.Id && r.Resolution == "actioned");
        Assert.Equal(resolved, await _admin.ShowReportAsync(receipt.Id).DefaultTimeout());
    }

    [Fact]
    public async Task A_report_is_resolved_once_and_only_an_actioned_one_disables_the_account()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        var receipt = await alice.ReportAccountAsync(bobName, "spam").DefaultTimeout();

        var contradiction = await _admin.ResolveReportAsync(receipt.Id, "dismissed", disableAccount: true).ShouldFailAsync("validation_failed");
        var unknown = await _admin.ResolveReportAsync(receipt.Id, "ignored").ShouldFailAsync("validation_failed");
        var dismissed = await _admin.ResolveReportAsync(receipt.Id, "dismissed").DefaultTimeout();
        await _admin.ResolveReportAsync(receipt.Id, "actioned", disableAccount: true).ShouldFailAsync("report_already_resolved");
        await _admin.ResolveReportAsync(999_999, "dismissed").ShouldFailAsync("not_found");
        await _admin.ShowReportAsync(999_999).ShouldFailAsync("not_found");
        await _admin.ListReportsAsync("closed").ShouldFailAsync("validation_failed");

        Assert.Contains("disableAccount", contradiction.Errors.Keys);
        Assert.Contains("resolution", unknown.Errors.Keys);
        Assert.Equal("dismissed", dismissed.Resolution);
        Assert.Null(dismissed.TargetDisabledAt);
        await bob.GetAccountAsync().DefaultTimeout();
        var again = await alice.ReportAccountAsync(bobName, "spam").DefaultTimeout();
        Assert.NotEqual(receipt.Id, again.Id);
    }

    [Fact]
    public async Task The_queue_is_read_oldest_first_in_pages()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        var ids = new List<long>();
        foreach (var name in await Instance.RegisterUsersAsync(3))
        {
            ids.Add((await alice.ReportAccountAsync(name, "other").DefaultTimeout()).Id);
        }

        var first = await _admin.ListReportsAsync("all", after: ids[0] - 1, limit: 2).DefaultTimeout();
        var second = await _admin.ListReportsAsync("all", after: first.NextAfter!.Value, limit: 2).DefaultTimeout();

        Assert.Equal(ids.Take(2), first.Reports.Select(r => r.Id));
        Assert.Equal(ids[1], first.NextAfter);
        Assert.Equal(ids[2], second.Reports[0].Id);
    }

    [Fact]
    public async Task Users_cannot_reach_the_report_queue()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var wrong = Instance.CreateClient();
        wrong.AdminToken = "not-the-admin-token-but-long-enough";
        await using var withoutAdmin = await RoostInstance.StartAsync();
        using var elsewhere = withoutAdmin.CreateClient();
        elsewhere.AdminToken = ModerationInstance.AdminToken;

        await alice.ListReportsAsync().ShouldFailAsync("unauthorized");
        await alice.ShowReportAsync(1).ShouldFailAsync("unauthorized");
        await alice.ResolveReportAsync(1, "dismissed").ShouldFailAsync("unauthorized");
        await wrong.ListReportsAsync().ShouldFailAsync("unauthorized");
        await elsewhere.ListReportsAsync().ShouldFailAsync("not_found");
        using var anonymous = Instance.CreateClient();
        await anonymous.ReportAccountAsync("someone", "spam").ShouldFailAsync("unauthorized");
    }

    private static RoostClient CreateAdmin(RoostInstance instance)
    {
        var admin = instance.CreateClient();
        admin.AdminToken = ModerationInstance.AdminToken;
        return admin;
    }

    private async Task<List<AdminReportSummaryResponse>> AllReportsAsync(string status = "all")
    {
        var reports = new List<AdminReportSummaryResponse>();
        long after = 0;
        while (true)
        {
            var page = await _admin.ListReportsAsync(status, after, 100).DefaultTimeout();
            reports.AddRange(page.Reports);
            if (page.NextAfter is not { } next)
            {
                return reports;
            }

            after = next;
        }
    }
}
