using Roost.Core.Conversations;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Moderation;

namespace Roost.Core.Tests.Moderation;

public sealed class ReportRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_report_names_a_message_and_an_account_report_names_one_account()
    {
        Assert.Null(ReportRules.ValidateRequest("message", 1, 2, null, null, "spam", null));
        Assert.Null(ReportRules.ValidateRequest("account", null, null, "bob", null, "spam", null));
        Assert.Null(ReportRules.ValidateRequest("account", null, null, null, 7, "other", "why"));
        Assert.Contains("seq", Fields("message", 1, null, null, null));
        Assert.Contains("conversationId", Fields("message", null, 2, null, null));
        Assert.Contains("username", Fields("message", 1, 2, "bob", null));
        Assert.Contains("username", Fields("account", null, null, null, null));
        Assert.Contains("username", Fields("account", null, null, "bob", 7));
        Assert.Contains("conversationId", Fields("account", 1, 2, "bob", null));
        Assert.Contains("kind", Fields(null, null, null, "bob", null));
    }

    [Theory]
    [InlineData("spam")]
    [InlineData("harassment")]
    [InlineData("hate")]
    [InlineData("violence")]
    [InlineData("illegal")]
    [InlineData("other")]
    public void Each_listed_reason_is_accepted(string reason) => Assert.Null(ReportRules.ValidateReason(reason));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Spam")]
    [InlineData("boring")]
    public void Any_other_reason_is_refused(string? reason) => Assert.NotNull(ReportRules.ValidateReason(reason));

    [Fact]
    public void A_comment_is_bounded_and_free_of_control_characters_but_may_have_line_breaks()
    {
        Assert.Null(ReportRules.ValidateText(new string('x', ReportRules.MaxCommentLength), ReportRules.MaxCommentLength, "A comment"));
        Assert.Null(ReportRules.ValidateText("line one\r\nline two\tend", ReportRules.MaxCommentLength, "A comment"));
        Assert.NotNull(ReportRules.ValidateText(new string('x', ReportRules.MaxCommentLength + 1), ReportRules.MaxCommentLength, "A comment"));
        Assert.NotNull(ReportRules.ValidateText("\u001b[2J", ReportRules.MaxCommentLength, "A comment"));
        Assert.Null(ReportRules.Normalize("   "));
        Assert.Equal("why", ReportRules.Normalize("  why "));
    }

    [Fact]
    public void A_message_is_reported_only_by_someone_whose_membership_window_covers_it_and_not_by_its_sender()
    {
        var member = Member(accountId: 1, joinedSeq: 3, leftSeq: 10);

        Assert.Equal(ConversationErrorCodes.NotAMember, ReportRules.CanReportMessage(1, null, Message(5, sender: 2))?.Code);
        Assert.Equal(ErrorCodes.NotFound, ReportRules.CanReportMessage(1, member, null)?.Code);
        Assert.Equal(ErrorCodes.NotFound, ReportRules.CanReportMessage(1, member, Message(3, sender: 2))?.Code);
        Assert.Equal(ErrorCodes.NotFound, ReportRules.CanReportMessage(1, member, Message(11, sender: 2))?.Code);
        Assert.Null(ReportRules.CanReportMessage(1, member, Message(4, sender: 2)));
        Assert.Null(ReportRules.CanReportMessage(1, member, Message(10, sender: 2)));
        Assert.Equal(ReportErrorCodes.CannotReportSelf, ReportRules.CanReportMessage(1, member, Message(5, sender: 1))?.Code);
        Assert.Equal(MessagingErrorCodes.MessageDeleted, ReportRules.CanReportMessage(1, member, Message(5, sender: 2, deleted: true))?.Code);
    }

    [Fact]
    public void An_account_is_reported_by_anyone_but_itself()
    {
        Assert.Null(ReportRules.CanReportAccount(1, 2));
        Assert.Equal(ReportErrorCodes.CannotReportSelf, ReportRules.CanReportAccount(1, 1)?.Code);
    }

    [Fact]
    public void The_open_limit_comes_first_then_the_window_which_says_when_to_retry()
    {
        var limits = new ReportLimits { MaxOpenPerReporter = 3, MaxPerWindow = 2, Window = TimeSpan.FromHours(1) };

        Assert.Null(ReportRules.CheckLimits(new ReporterActivity(2, 1, Now), limits, Now));
        Assert.Equal(ReportErrorCodes.TooManyOpenReports, ReportRules.CheckLimits(new ReporterActivity(3, 0, null), limits, Now)?.Code);
        var limited = ReportRules.CheckLimits(new ReporterActivity(2, 2, Now.AddMinutes(-45)), limits, Now);
        Assert.Equal((ErrorCodes.RateLimited, TimeSpan.FromMinutes(15)), (limited?.Code, limited?.RetryAfter));
    }

    [Fact]
    public void A_decision_is_dismissed_or_actioned_and_only_an_action_disables_an_account()
    {
        Assert.Null(ReportRules.ValidateDecision("dismissed", null, disableAccount: false));
        Assert.Null(ReportRules.ValidateDecision("actioned", "done", disableAccount: true));
        Assert.NotNull(ReportRules.ValidateDecision("dismissed", null, disableAccount: true));
        Assert.NotNull(ReportRules.ValidateDecision(null, null, disableAccount: false));
        Assert.NotNull(ReportRules.ValidateDecision("actioned", new string('x', ReportRules.MaxNoteLength + 1), disableAccount: false));
    }

    [Fact]
    public void A_report_is_resolved_once()
    {
        var open = Report(outcome: null);
        var resolved = Report(new ReportOutcome(ReportResolutions.Dismissed, null, "admin", Now));

        Assert.Equal(ReportStatuses.Open, open.Status);
        Assert.Null(ReportRules.CanResolve(open));
        Assert.Equal(ReportStatuses.Resolved, resolved.Status);
        Assert.Equal(ReportErrorCodes.AlreadyResolved, ReportRules.CanResolve(resolved)?.Code);
    }

    [Fact]
    public void The_list_filter_defaults_to_open_and_all_means_no_filter()
    {
        Assert.Equal(ReportStatuses.Open, ReportRules.ParseStatusFilter(null).Value);
        Assert.Equal(ReportStatuses.Resolved, ReportRules.ParseStatusFilter("resolved").Value);
        Assert.Null(ReportRules.ParseStatusFilter("all").Value);
        Assert.False(ReportRules.ParseStatusFilter("closed").IsSuccess);
    }

    [Fact]
    public void A_page_holds_at_most_the_limit_and_the_extra_row_only_says_where_the_next_page_starts()
    {
        var rows = Enumerable.Range(1, 3).Select(id => Report(outcome: null) with { Id = id * 10 }).ToList();

        var more = ReportRules.Page([.. rows], 2);
        var last = ReportRules.Page([.. rows], 3);

        Assert.Equal([10L, 20L], more.Reports.Select(r => r.Id));
        Assert.Equal(20, more.NextAfter);
        Assert.Equal(3, last.Reports.Count);
        Assert.Null(last.NextAfter);
        Assert.Equal(Now.AddHours(-1), ReportRules.WindowStart(new ReportLimits { Window = TimeSpan.FromHours(1) }, Now));
    }

    private static IEnumerable<string> Fields(string? kind, long? conversationId, long? seq, string? username, long? accountId) =>
        ReportRules.ValidateRequest(kind, conversationId, seq, username, accountId, "spam", null)?.FieldErrors?.Keys ?? [];

    private static Member Member(long accountId, long joinedSeq, long? leftSeq) =>
        new(1, accountId, "member", "Member", MemberRoles.Member, joinedSeq, leftSeq, 0, 0, Now);

    private static Message Message(long seq, long sender, bool deleted = false) =>
        new(1, seq, sender, "c" + seq, deleted ? null : "body", null, Now, null, deleted ? Now : null, []);

    private static Report Report(ReportOutcome? outcome) =>
        new(1, ReportKinds.Account, ReportReasons.Spam, null, 1, "alice", 2, "bob", null, Now, outcome, new TargetState(false, null));
}
