using Microsoft.Data.Sqlite;
using Roost.Core.Errors;
using Roost.Core.Moderation;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteReportStore(SqliteStore store) : IReportStore
{
    private const string ReportQuery = """
        SELECT r.id, r.kind, r.reason, r.comment, r.reporter_id, r.reporter_username, r.target_id, r.target_username,
               r.conversation_id, r.conversation_kind, r.conversation_title, r.seq, r.message_body, r.message_sent_at,
               r.message_edited_at, r.message_reply_to, r.created_at, r.resolution, r.resolution_note, r.resolved_by,
               r.resolved_at, a.id IS NULL, a.disabled_at
        FROM reports r LEFT JOIN accounts a ON a.id = r.target_id
        """;

    public Task<Outcome<ReportReceipt>> CreateAsync(NewReport report, ReportLimits limits, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ReportReceipt>>(context =>
        {
            if (LoadUsername(context, report.ReporterId) is not { } reporterName)
            {
                return new RoostError(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, "Your account no longer exists.");
            }

            var target = report.Kind == ReportKinds.Message ? LoadMessageTarget(context, report) : LoadAccountTarget(context, report);
            if (target.Error is not null)
            {
                return target.Error;
            }

            if (FindOpenDuplicate(context, report, target.AccountId) is { } duplicate)
            {
                return duplicate;
            }

            if (ReportRules.CheckLimits(LoadActivity(context, report.ReporterId, ReportRules.WindowStart(limits, report.Now)), limits, report.Now) is { } limited)
            {
                return limited;
            }

            var message = target.Message;
            var insert = context.Command("""
                INSERT INTO reports (kind, reason, comment, reporter_id, reporter_username, target_id, target_username,
                                     conversation_id, seq, conversation_kind, conversation_title, message_body, message_sent_at,
                                     message_edited_at, message_reply_to, created_at)
                VALUES ($kind, $reason, $comment, $reporter, $reporterName, $target, $targetName,
                        $conversation, $seq, $conversationKind, $conversationTitle, $body, $sentAt, $editedAt, $replyTo, $now)
                RETURNING id
                """);
            insert.Parameters.AddWithValue("$kind", report.Kind);
            insert.Parameters.AddWithValue("$reason", report.Reason);
            insert.Parameters.AddWithValue("$comment", (object?)report.Comment ?? DBNull.Value);
            insert.Parameters.AddWithValue("$reporter", report.ReporterId);
            insert.Parameters.AddWithValue("$reporterName", reporterName);
            insert.Parameters.AddWithValue("$target", target.AccountId);
            insert.Parameters.AddWithValue("$targetName", target.Username);
            insert.Parameters.AddWithValue("$conversation", (object?)message?.ConversationId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$seq", (object?)message?.Seq ?? DBNull.Value);
            insert.Parameters.AddWithValue("$conversationKind", (object?)message?.ConversationKind ?? DBNull.Value);
            insert.Parameters.AddWithValue("$conversationTitle", (object?)message?.ConversationTitle ?? DBNull.Value);
            insert.Parameters.AddWithValue("$body", (object?)message?.Body ?? DBNull.Value);
            insert.Parameters.AddWithValue("$sentAt", message is null ? DBNull.Value : SqliteTime.ToColumn(message.SentAt));
            insert.Parameters.AddWithValue("$editedAt", message?.EditedAt is { } edited ? SqliteTime.ToColumn(edited) : DBNull.Value);
            insert.Parameters.AddWithValue("$replyTo", (object?)message?.ReplyTo ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", SqliteTime.ToColumn(report.Now));
            return new ReportReceipt((long)insert.ExecuteScalar()!, report.Now, Duplicate: false);
        }, cancellationToken);

    public Task<ReportPage> ListAsync(string? status, long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var filter = status switch
            {
                ReportStatuses.Open => " AND r.resolved_at IS NULL",
                ReportStatuses.Resolved => " AND r.resolved_at IS NOT NULL",
                _ => "",
            };
            var command = session.Command(ReportQuery + " WHERE r.id > $after" + filter + " ORDER BY r.id LIMIT $limit");
            command.Parameters.AddWithValue("$after", afterId);
            command.Parameters.AddWithValue("$limit", limit + 1);
            return ReportRules.Page(command.ReadAll(Read), limit);
        }, cancellationToken);

    public Task<Report?> FindAsync(long reportId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => Find(session, reportId), cancellationToken);

    public Task<Outcome<ResolvedReport>> ResolveAsync(long reportId, ReportDecision decision, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ResolvedReport>>(context =>
        {
            if (Find(context, reportId) is not { } report)
            {
                return RoostError.NotFound("The report");
            }

            if (ReportRules.CanResolve(report) is { } closed)
            {
                return closed;
            }

            var update = context.Command("""
                UPDATE reports SET resolution = $resolution, resolution_note = $note, resolved_by = $by, resolved_at = $at
                WHERE id = $id
                """);
            update.Parameters.AddWithValue("$resolution", decision.Resolution);
            update.Parameters.AddWithValue("$note", (object?)decision.Note ?? DBNull.Value);
            update.Parameters.AddWithValue("$by", decision.ResolvedBy);
            update.Parameters.AddWithValue("$at", SqliteTime.ToColumn(decision.Now));
            update.Parameters.AddWithValue("$id", reportId);
            update.ExecuteNonQuery();

            // The admin API's own disable path, in this transaction: the account and the decision commit together.
            var disabled = decision.DisableAccount && SqliteAdminStore.SetDisabled(context, report.TargetAccountId, decision.Now);
            return new ResolvedReport(Find(context, reportId)!, disabled);
        }, cancellationToken);

    private static Report? Find(ISqliteSession session, long reportId)
    {
        var command = session.Command(ReportQuery + " WHERE r.id = $id");
        command.Parameters.AddWithValue("$id", reportId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static string? LoadUsername(SqliteWriteContext context, long accountId)
    {
        var command = context.Command("SELECT username FROM accounts WHERE id = $id");
        command.Parameters.AddWithValue("$id", accountId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>The reported message and its sender, when the reporter may report it; the copy kept for review is taken here.</summary>
    private static Target LoadMessageTarget(SqliteWriteContext context, NewReport report)
    {
        var conversationId = report.ConversationId!.Value;
        var seq = report.Seq!.Value;
        var reporter = SqliteQueries.LoadMember(context, conversationId, report.ReporterId);
        var message = reporter is null ? null : SqliteQueries.LoadMessages(context, conversationId, seq - 1, seq, descending: false, 1).SingleOrDefault();
        if (ReportRules.CanReportMessage(report.ReporterId, reporter, message) is { } refused)
        {
            return new Target(0, "", null, refused);
        }

        var conversation = SqliteQueries.LoadConversation(context, conversationId)!;
        var copy = new ReportedMessage(conversationId, conversation.Kind, conversation.Title, seq, message!.Body!, message.SentAt, message.EditedAt, message.ReplyTo);
        return new Target(message.SenderId, LoadUsername(context, message.SenderId) ?? Report.DeletedUsername, copy, null);
    }

    private static Target LoadAccountTarget(SqliteWriteContext context, NewReport report)
    {
        var targetId = report.TargetAccountId!.Value;
        if (LoadUsername(context, targetId) is not { } username)
        {
            return new Target(0, "", null, RoostError.NotFound("The user"));
        }

        return ReportRules.CanReportAccount(report.ReporterId, targetId) is { } refused
            ? new Target(0, "", null, refused)
            : new Target(targetId, username, null, null);
    }

    private static ReportReceipt? FindOpenDuplicate(SqliteWriteContext context, NewReport report, long targetId)
    {
        var command = context.Command("""
            SELECT id, created_at FROM reports
            WHERE reporter_id = $reporter AND kind = $kind AND target_id = $target
              AND COALESCE(conversation_id, 0) = $conversation AND COALESCE(seq, 0) = $seq AND resolved_at IS NULL
            """);
        command.Parameters.AddWithValue("$reporter", report.ReporterId);
        command.Parameters.AddWithValue("$kind", report.Kind);
        command.Parameters.AddWithValue("$target", targetId);
        command.Parameters.AddWithValue("$conversation", report.Kind == ReportKinds.Message ? report.ConversationId!.Value : 0);
        command.Parameters.AddWithValue("$seq", report.Kind == ReportKinds.Message ? report.Seq!.Value : 0);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new ReportReceipt(reader.GetInt64(0), SqliteTime.FromColumn(reader.GetInt64(1)), Duplicate: true) : null;
    }

    private static ReporterActivity LoadActivity(SqliteWriteContext context, long reporterId, DateTimeOffset since)
    {
        var command = context.Command("""
            SELECT (SELECT COUNT(*) FROM reports WHERE reporter_id = $reporter AND resolved_at IS NULL),
                   COUNT(*), MIN(created_at)
            FROM reports WHERE reporter_id = $reporter AND created_at > $since
            """);
        command.Parameters.AddWithValue("$reporter", reporterId);
        command.Parameters.AddWithValue("$since", SqliteTime.ToColumn(since));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new ReporterActivity(
            (int)reader.GetInt64(0),
            (int)reader.GetInt64(1),
            reader.IsDBNull(2) ? null : SqliteTime.FromColumn(reader.GetInt64(2)));
    }

    private static Report Read(SqliteDataReader reader)
    {
        DateTimeOffset? Time(int ordinal) => reader.IsDBNull(ordinal) ? null : SqliteTime.FromColumn(reader.GetInt64(ordinal));
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        var message = reader.IsDBNull(8)
            ? null
            : new ReportedMessage(
                reader.GetInt64(8),
                reader.GetString(9),
                Text(10),
                reader.GetInt64(11),
                reader.GetString(12),
                SqliteTime.FromColumn(reader.GetInt64(13)),
                Time(14),
                reader.IsDBNull(15) ? null : reader.GetInt64(15));
        var outcome = reader.IsDBNull(20) ? null : new ReportOutcome(reader.GetString(17), Text(18), reader.GetString(19), SqliteTime.FromColumn(reader.GetInt64(20)));
        return new Report(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            Text(3),
            reader.GetInt64(4),
            reader.GetString(5),
            reader.GetInt64(6),
            reader.GetString(7),
            message,
            SqliteTime.FromColumn(reader.GetInt64(16)),
            outcome,
            new TargetState(reader.GetInt64(21) != 0, Time(22)));
    }

    /// <summary>Who is reported (for a message, its sender), the copy of the message, or why the reporter may not report it.</summary>
    private sealed record Target(long AccountId, string Username, ReportedMessage? Message, RoostError? Error);
}
