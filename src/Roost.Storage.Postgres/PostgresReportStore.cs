using Npgsql;
using Roost.Core.Errors;
using Roost.Core.Moderation;

namespace Roost.Storage.Postgres;

internal sealed class PostgresReportStore(PostgresStore store) : IReportStore
{
    private const string ReportQuery = """
        SELECT r.id, r.kind, r.reason, r.comment, r.reporter_id, r.reporter_username, r.target_id, r.target_username,
               r.conversation_id, r.conversation_kind, r.conversation_title, r.seq, r.message_body, r.message_sent_at,
               r.message_edited_at, r.message_reply_to, r.created_at, r.resolution, r.resolution_note, r.resolved_by,
               r.resolved_at, a.id IS NULL, a.disabled_at
        FROM reports r LEFT JOIN accounts a ON a.id = r.target_id
        """;

    public Task<Outcome<ReportReceipt>> CreateAsync(NewReport report, ReportLimits limits, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ReportReceipt>>(async context =>
        {
            if (await LoadUsernameAsync(context, report.ReporterId) is not { } reporterName)
            {
                return new RoostError(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, "Your account no longer exists.");
            }

            var target = report.Kind == ReportKinds.Message ? await LoadMessageTargetAsync(context, report) : await LoadAccountTargetAsync(context, report);
            if (target.Error is not null)
            {
                return target.Error;
            }

            // Writes are serialized, so a repeat found missing here cannot be inserted before this insert: the unique
            // index on open reports is never what answers a repeat.
            if (await FindOpenDuplicateAsync(context, report, target.AccountId) is { } duplicate)
            {
                return duplicate;
            }

            if (ReportRules.CheckLimits(await LoadActivityAsync(context, report.ReporterId, ReportRules.WindowStart(limits, report.Now)), limits, report.Now) is { } limited)
            {
                return limited;
            }

            var message = target.Message;
            var id = (long)(await context.Command("""
                    INSERT INTO reports (kind, reason, comment, reporter_id, reporter_username, target_id, target_username,
                                         conversation_id, seq, conversation_kind, conversation_title, message_body, message_sent_at,
                                         message_edited_at, message_reply_to, created_at)
                    VALUES (@kind, @reason, @comment, @reporter, @reporterName, @target, @targetName,
                            @conversation, @seq, @conversationKind, @conversationTitle, @body, @sentAt, @editedAt, @replyTo, @now)
                    RETURNING id
                    """)
                .With("kind", report.Kind)
                .With("reason", report.Reason)
                .With("comment", report.Comment)
                .With("reporter", report.ReporterId)
                .With("reporterName", reporterName)
                .With("target", target.AccountId)
                .With("targetName", target.Username)
                .With("conversation", message?.ConversationId)
                .With("seq", message?.Seq)
                .With("conversationKind", message?.ConversationKind)
                .With("conversationTitle", message?.ConversationTitle)
                .With("body", message?.Body)
                .With("sentAt", message?.SentAt)
                .With("editedAt", message?.EditedAt)
                .With("replyTo", message?.ReplyTo)
                .With("now", report.Now)
                .ScalarAsync())!;
            return new ReportReceipt(id, report.Now, Duplicate: false);
        }, cancellationToken);

    public Task<ReportPage> ListAsync(string? status, long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session =>
        {
            var filter = status switch
            {
                ReportStatuses.Open => " AND r.resolved_at IS NULL",
                ReportStatuses.Resolved => " AND r.resolved_at IS NOT NULL",
                _ => "",
            };
            var reports = await session.Command(ReportQuery + " WHERE r.id > @after" + filter + " ORDER BY r.id LIMIT @limit")
                .With("after", afterId)
                .With("limit", limit + 1)
                .ReadAllAsync(Read);
            return ReportRules.Page(reports, limit);
        }, cancellationToken);

    public Task<Report?> FindAsync(long reportId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => FindAsync(session, reportId), cancellationToken);

    public Task<Outcome<ResolvedReport>> ResolveAsync(long reportId, ReportDecision decision, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ResolvedReport>>(async context =>
        {
            if (await FindAsync(context, reportId) is not { } report)
            {
                return RoostError.NotFound("The report");
            }

            if (ReportRules.CanResolve(report) is { } closed)
            {
                return closed;
            }

            await context.Command("""
                    UPDATE reports SET resolution = @resolution, resolution_note = @note, resolved_by = @by, resolved_at = @at
                    WHERE id = @id
                    """)
                .With("resolution", decision.Resolution)
                .With("note", decision.Note)
                .With("by", decision.ResolvedBy)
                .With("at", decision.Now)
                .With("id", reportId)
                .RunAsync();

            // The admin API's own disable path, in this transaction: the account and the decision commit together.
            var disabled = decision.DisableAccount && await PostgresAdminStore.SetDisabledAsync(context, report.TargetAccountId, decision.Now);
            return new ResolvedReport((await FindAsync(context, reportId))!, disabled);
        }, cancellationToken);

    private static Task<Report?> FindAsync(PostgresSession session, long reportId) =>
        session.Command(ReportQuery + " WHERE r.id = @id").With("id", reportId).ReadFirstAsync(Read);

    private static async Task<string?> LoadUsernameAsync(PostgresWriteContext context, long accountId) =>
        await context.Command("SELECT username FROM accounts WHERE id = @id").With("id", accountId).ScalarAsync() as string;

    /// <summary>The reported message and its sender, when the reporter may report it; the copy kept for review is taken here.</summary>
    private static async Task<Target> LoadMessageTargetAsync(PostgresWriteContext context, NewReport report)
    {
        var conversationId = report.ConversationId!.Value;
        var seq = report.Seq!.Value;
        var reporter = await PostgresQueries.LoadMemberAsync(context, conversationId, report.ReporterId);
        var message = reporter is null ? null : (await PostgresQueries.LoadMessagesAsync(context, conversationId, seq - 1, seq, descending: false, 1)).SingleOrDefault();
        if (ReportRules.CanReportMessage(report.ReporterId, reporter, message) is { } refused)
        {
            return new Target(0, "", null, refused);
        }

        var conversation = (await PostgresQueries.LoadConversationAsync(context, conversationId))!;
        var copy = new ReportedMessage(conversationId, conversation.Kind, conversation.Title, seq, message!.Body!, message.SentAt, message.EditedAt, message.ReplyTo);
        return new Target(message.SenderId, await LoadUsernameAsync(context, message.SenderId) ?? Report.DeletedUsername, copy, null);
    }

    private static async Task<Target> LoadAccountTargetAsync(PostgresWriteContext context, NewReport report)
    {
        var targetId = report.TargetAccountId!.Value;
        if (await LoadUsernameAsync(context, targetId) is not { } username)
        {
            return new Target(0, "", null, RoostError.NotFound("The user"));
        }

        return ReportRules.CanReportAccount(report.ReporterId, targetId) is { } refused
            ? new Target(0, "", null, refused)
            : new Target(targetId, username, null, null);
    }

    private static Task<ReportReceipt?> FindOpenDuplicateAsync(PostgresWriteContext context, NewReport report, long targetId) =>
        context.Command("""
                SELECT id, created_at FROM reports
                WHERE reporter_id = @reporter AND kind = @kind AND target_id = @target
                  AND COALESCE(conversation_id, 0) = @conversation AND COALESCE(seq, 0) = @seq AND resolved_at IS NULL
                """)
            .With("reporter", report.ReporterId)
            .With("kind", report.Kind)
            .With("target", targetId)
            .With("conversation", report.Kind == ReportKinds.Message ? report.ConversationId!.Value : 0L)
            .With("seq", report.Kind == ReportKinds.Message ? report.Seq!.Value : 0L)
            .ReadFirstAsync(reader => new ReportReceipt(reader.GetInt64(0), reader.GetTime(1), Duplicate: true));

    private static async Task<ReporterActivity> LoadActivityAsync(PostgresWriteContext context, long reporterId, DateTimeOffset since) =>
        (await context.Command("""
                SELECT (SELECT COUNT(*) FROM reports WHERE reporter_id = @reporter AND resolved_at IS NULL),
                       COUNT(*), MIN(created_at)
                FROM reports WHERE reporter_id = @reporter AND created_at > @since
                """)
            .With("reporter", reporterId)
            .With("since", since)
            .ReadFirstAsync(reader => new ReporterActivity((int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetTimeOrNull(2))))!;

    private static Report Read(NpgsqlDataReader reader)
    {
        var message = reader.IsDBNull(8)
            ? null
            : new ReportedMessage(
                reader.GetInt64(8),
                reader.GetString(9),
                reader.GetStringOrNull(10),
                reader.GetInt64(11),
                reader.GetString(12),
                reader.GetTime(13),
                reader.GetTimeOrNull(14),
                reader.GetInt64OrNull(15));
        var outcome = reader.IsDBNull(20) ? null : new ReportOutcome(reader.GetString(17), reader.GetStringOrNull(18), reader.GetString(19), reader.GetTime(20));
        return new Report(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetStringOrNull(3),
            reader.GetInt64(4),
            reader.GetString(5),
            reader.GetInt64(6),
            reader.GetString(7),
            message,
            reader.GetTime(16),
            outcome,
            new TargetState(reader.GetBoolean(21), reader.GetTimeOrNull(22)));
    }

    /// <summary>Who is reported (for a message, its sender), the copy of the message, or why the reporter may not report it.</summary>
    private sealed record Target(long AccountId, string Username, ReportedMessage? Message, RoostError? Error);
}
