using Roost.Core.Accounts;
using Roost.Core.Conversations;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Moderation;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>What every engine's report store must do, written once; each engine derives and says how to open a fresh store.</summary>
public abstract class ReportStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ReportLimits Limits = new();

    protected IRoostStore Store { get; set; } = null!;

    public async ValueTask InitializeAsync() => Store = await OpenAsync().DefaultTimeout();

    public virtual async ValueTask DisposeAsync() => await Store.DisposeAsync();

    protected abstract Task<IRoostStore> OpenAsync();

    [Fact]
    public async Task A_message_report_keeps_a_copy_that_later_edits_and_deletes_do_not_change()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await SendAsync(group, bob.Id, "the reported words");

        var receipt = await CreateAsync(MessageReport(alice.Id, group, seq, "harassment", "Look at this."));
        await Store.Messages.EditAsync(group, seq, bob.Id, "edited away", Now.AddMinutes(1), None).DefaultTimeout();
        await Store.Messages.DeleteAsync(group, seq, bob.Id, Now.AddMinutes(2), None).DefaultTimeout();
        var report = (await Store.Reports.FindAsync(receipt.Id, None).DefaultTimeout())!;

        Assert.False(receipt.Duplicate);
        Assert.Equal(
            (ReportKinds.Message, ReportReasons.Harassment, "Look at this.", alice.Id, "alice", bob.Id, "bob", Now, ReportStatuses.Open),
            (report.Kind, report.Reason, report.Comment, report.ReporterId, report.ReporterUsername, report.TargetAccountId, report.TargetUsername, report.CreatedAt, report.Status));
        Assert.Equal(new ReportedMessage(group, ConversationKinds.Group, "Room", seq, "the reported words", Now, null, null), report.Message);
        Assert.Equal(new TargetState(false, null), report.Target);
        Assert.Null(report.Outcome);
    }

    [Fact]
    public async Task A_report_of_a_message_the_reporter_cannot_see_is_refused_and_nothing_is_stored()
    {
        var (_, bob, group) = await GroupAsync();
        var carol = await AccountAsync("carol");
        var seq = await SendAsync(group, bob.Id, "not for carol");

        var outsider = await Store.Reports.CreateAsync(MessageReport(carol.Id, group, seq), Limits, None).DefaultTimeout();
        var missing = await Store.Reports.CreateAsync(MessageReport(bob.Id, group, seq + 1), Limits, None).DefaultTimeout();
        var own = await Store.Reports.CreateAsync(MessageReport(bob.Id, group, seq), Limits, None).DefaultTimeout();

        Assert.Equal(ConversationErrorCodes.NotAMember, outsider.Error?.Code);
        Assert.Equal(ErrorCodes.NotFound, missing.Error?.Code);
        Assert.Equal(ReportErrorCodes.CannotReportSelf, own.Error?.Code);
        Assert.Empty((await Store.Reports.ListAsync(null, 0, 100, None).DefaultTimeout()).Reports);
    }

    [Fact]
    public async Task A_repeat_of_an_open_report_answers_with_it_and_after_resolution_a_new_one_is_made()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var first = await CreateAsync(AccountReport(alice.Id, bob.Id));
        var repeat = await CreateAsync(AccountReport(alice.Id, bob.Id, ReportReasons.Other));
        var byAnother = await CreateAsync(AccountReport(bob.Id, alice.Id));
        await ResolveAsync(first.Id, ReportResolutions.Dismissed);
        var afterwards = await CreateAsync(AccountReport(alice.Id, bob.Id));

        Assert.Equal((first.Id, true), (repeat.Id, repeat.Duplicate));
        Assert.NotEqual(first.Id, byAnother.Id);
        Assert.False(afterwards.Duplicate);
        Assert.NotEqual(first.Id, afterwards.Id);
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_report_leave_exactly_one()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var receipts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Store.Reports.CreateAsync(AccountReport(alice.Id, bob.Id), Limits, None))).DefaultTimeout();

        Assert.Single(receipts, r => !r.Value.Duplicate);
        Assert.Single(receipts.Select(r => r.Value.Id).Distinct());
    }

    [Fact]
    public async Task The_limits_are_checked_against_the_reporters_open_reports_and_recent_reports()
    {
        var alice = await AccountAsync("alice");
        var targets = new List<Account>();
        for (var i = 0; i < 3; i++)
        {
            targets.Add(await AccountAsync($"target{i}"));
        }

        var openLimit = new ReportLimits { MaxOpenPerReporter = 1, MaxPerWindow = 100 };
        var windowLimit = new ReportLimits { MaxOpenPerReporter = 100, MaxPerWindow = 2, Window = TimeSpan.FromHours(1) };
        var first = await Store.Reports.CreateAsync(AccountReport(alice.Id, targets[0].Id), openLimit, None).DefaultTimeout();
        var overOpen = await Store.Reports.CreateAsync(AccountReport(alice.Id, targets[1].Id), openLimit, None).DefaultTimeout();
        await ResolveAsync(first.Value.Id, ReportResolutions.Dismissed);
        var second = await Store.Reports.CreateAsync(AccountReport(alice.Id, targets[1].Id), windowLimit, None).DefaultTimeout();
        var overWindow = await Store.Reports.CreateAsync(AccountReport(alice.Id, targets[2].Id), windowLimit, None).DefaultTimeout();
        var nextHour = await Store.Reports.CreateAsync(AccountReport(alice.Id, targets[2].Id, now: Now.AddHours(1)), windowLimit, None).DefaultTimeout();

        Assert.True(second.IsSuccess);
        Assert.Equal(ReportErrorCodes.TooManyOpenReports, overOpen.Error?.Code);
        Assert.Equal((ErrorCodes.RateLimited, TimeSpan.FromHours(1)), (overWindow.Error?.Code, overWindow.Error?.RetryAfter));
        Assert.True(nextHour.IsSuccess);
    }

    [Fact]
    public async Task Resolving_records_the_decision_once_and_can_disable_the_reported_account_revoking_its_devices()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var token = SessionToken.Hash(SessionToken.Create());
        await Store.Devices.CreateAsync(new NewDevice(bob.Id, token, "phone", "test", VerificationMethods.Password, Now, null), None).DefaultTimeout();
        var receipt = await CreateAsync(AccountReport(alice.Id, bob.Id));

        var resolved = await Store.Reports.ResolveAsync(receipt.Id, new ReportDecision(ReportResolutions.Actioned, "spammer", true, "admin", Now.AddHours(1)), None).DefaultTimeout();
        var again = await Store.Reports.ResolveAsync(receipt.Id, new ReportDecision(ReportResolutions.Dismissed, null, false, "admin", Now.AddHours(2)), None).DefaultTimeout();
        var unknown = await Store.Reports.ResolveAsync(999_999, new ReportDecision(ReportResolutions.Dismissed, null, false, "admin", Now), None).DefaultTimeout();

        Assert.True(resolved.Value.AccountDisabled);
        Assert.Equal(new ReportOutcome(ReportResolutions.Actioned, "spammer", "admin", Now.AddHours(1)), resolved.Value.Report.Outcome);
        Assert.Equal(new TargetState(false, Now.AddHours(1)), resolved.Value.Report.Target);
        Assert.Null(await Store.Devices.FindByTokenHashAsync(token, None).DefaultTimeout());
        Assert.Equal(Now.AddHours(1), (await Store.Accounts.FindByIdAsync(bob.Id, None).DefaultTimeout())!.DisabledAt);
        Assert.Equal(ReportErrorCodes.AlreadyResolved, again.Error?.Code);
        Assert.Equal(resolved.Value.Report, await Store.Reports.FindAsync(receipt.Id, None).DefaultTimeout());
        Assert.Equal(ErrorCodes.NotFound, unknown.Error?.Code);
    }

    [Fact]
    public async Task A_report_outlives_the_accounts_it_names()
    {
        var (alice, bob, group) = await GroupAsync();
        var seq = await SendAsync(group, bob.Id, "evidence");
        var receipt = await CreateAsync(MessageReport(alice.Id, group, seq));

        await Store.Accounts.DeleteAsync(bob.Id, Now, None).DefaultTimeout();
        await Store.Accounts.DeleteAsync(alice.Id, Now, None).DefaultTimeout();
        var report = (await Store.Reports.FindAsync(receipt.Id, None).DefaultTimeout())!;
        var resolved = await Store.Reports.ResolveAsync(receipt.Id, new ReportDecision(ReportResolutions.Actioned, null, true, "admin", Now), None).DefaultTimeout();

        Assert.Equal(("alice", "bob", "evidence"), (report.ReporterUsername, report.TargetUsername, report.Message!.Body));
        Assert.True(report.Target.Deleted);
        Assert.False(resolved.Value.AccountDisabled);
    }

    [Fact]
    public async Task Reports_are_listed_oldest_first_by_status_in_pages()
    {
        var alice = await AccountAsync("alice");
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var target = await AccountAsync($"target{i}");
            ids.Add((await CreateAsync(AccountReport(alice.Id, target.Id))).Id);
        }

        await ResolveAsync(ids[1], ReportResolutions.Actioned);
        var open = await Store.Reports.ListAsync(ReportStatuses.Open, 0, 100, None).DefaultTimeout();
        var resolved = await Store.Reports.ListAsync(ReportStatuses.Resolved, 0, 100, None).DefaultTimeout();
        var firstPage = await Store.Reports.ListAsync(null, 0, 2, None).DefaultTimeout();
        var lastPage = await Store.Reports.ListAsync(null, firstPage.NextAfter!.Value, 2, None).DefaultTimeout();

        Assert.Equal([ids[0], ids[2], ids[3]], open.Reports.Select(r => r.Id));
        Assert.Equal([ids[1]], resolved.Reports.Select(r => r.Id));
        Assert.Equal((ids[0], ids[1], ids[1]), (firstPage.Reports[0].Id, firstPage.Reports[1].Id, firstPage.NextAfter));
        Assert.Equal([ids[2], ids[3]], lastPage.Reports.Select(r => r.Id));
        Assert.Null(lastPage.NextAfter);
    }

    private async Task<(Account Alice, Account Bob, long Group)> GroupAsync()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var group = await Store.Conversations.CreateGroupAsync(alice.Id, "Room", [bob.Id], 100, Now, None).DefaultTimeout();
        return (alice, bob, group.Value.Conversation.Id);
    }

    private async Task<long> SendAsync(long conversationId, long senderId, string body) =>
        (await Store.Messages.AppendAsync(new NewMessage(conversationId, senderId, Guid.NewGuid().ToString("N"), body, null, Now), None).DefaultTimeout()).Value.Seq;

    private async Task<ReportReceipt> CreateAsync(NewReport report) =>
        (await Store.Reports.CreateAsync(report, Limits, None).DefaultTimeout()).Value;

    private async Task ResolveAsync(long reportId, string resolution) =>
        Assert.True((await Store.Reports.ResolveAsync(reportId, new ReportDecision(resolution, null, false, "admin", Now), None).DefaultTimeout()).IsSuccess);

    private async Task<Account> AccountAsync(string username) =>
        (await Store.Accounts.CreateAsync(new NewAccount(username, username, "pbkdf2-sha256$1$AA==$AA==", username, Now), None).DefaultTimeout())!;

    private static NewReport MessageReport(long reporterId, long conversationId, long seq, string reason = ReportReasons.Spam, string? comment = null) =>
        new(reporterId, ReportKinds.Message, null, conversationId, seq, reason, comment, Now);

    private static NewReport AccountReport(long reporterId, long targetId, string reason = ReportReasons.Spam, DateTimeOffset? now = null) =>
        new(reporterId, ReportKinds.Account, targetId, null, null, reason, null, now ?? Now);
}
