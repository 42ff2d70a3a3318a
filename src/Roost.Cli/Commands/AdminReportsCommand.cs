using System.CommandLine;
using System.Globalization;
using System.Text;
using Roost.Protocol.Rest;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost admin reports list|show|resolve</c>: the operators' queue of user reports.</summary>
internal static class AdminReportsCommand
{
    public static Command Create(IAnsiConsole console, Option<Uri> url, Option<string> token)
    {
        var reports = new Command("reports", "Review reports of messages and accounts: list, show, resolve.");

        var status = new Option<string>("--status") { Description = "open (default), resolved or all.", DefaultValueFactory = _ => "open" };
        status.AcceptOnlyFromAmong("open", "resolved", "all");
        var after = new Option<long>("--after") { Description = "List reports after this id." };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50, Description = "At most this many (1–100)." };
        var list = new Command("list", "Reports by id, oldest first.") { status, after, limit };
        list.SetAction((result, cancellationToken) => AdminCommand.RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var page = await client.ListReportsAsync(result.GetValue(status)!, result.GetValue(after), result.GetValue(limit), cancellationToken);
            var table = new Table().AddColumns("id", "status", "kind", "reason", "reported", "by", "message", "created", "resolution");
            foreach (var report in page.Reports)
            {
                table.AddRow(
                    report.Id.ToString(CultureInfo.InvariantCulture),
                    report.Status,
                    report.Kind,
                    report.Reason,
                    Markup.Escape(Safe(report.TargetUsername)),
                    Markup.Escape(Safe(report.ReporterUsername)),
                    report.ConversationId is { } conversation ? $"{conversation}#{report.Seq}" : "—",
                    Time(report.CreatedAt),
                    report.Resolution ?? "—");
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{page.Reports.Count} report(s).");
            if (page.NextAfter is { } next)
            {
                console.MarkupLineInterpolated($"More: --after {next}");
            }
        }));

        var id = new Argument<long>("id") { Description = "The report's id." };
        var show = new Command("show", "One report, with the reported message as it was when reported.") { id };
        show.SetAction((result, cancellationToken) => AdminCommand.RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
            Write(console, await client.ShowReportAsync(result.GetValue(id), cancellationToken))));

        var resolution = new Option<string>("--resolution") { Description = "dismissed or actioned.", Required = true };
        resolution.AcceptOnlyFromAmong("dismissed", "actioned");
        var note = new Option<string?>("--note") { Description = "Why, for the record (at most 1000 characters)." };
        var disable = new Option<bool>("--disable-account") { Description = "Also disable the reported account (its sessions are revoked); needs --resolution actioned." };
        var resolve = new Command("resolve", "Resolve an open report.") { id, resolution, note, disable };
        resolve.SetAction((result, cancellationToken) => AdminCommand.RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var report = await client.ResolveReportAsync(result.GetValue(id), result.GetValue(resolution)!, result.GetValue(note), result.GetValue(disable), cancellationToken);
            Write(console, report);
            if (result.GetValue(disable))
            {
                // Say what the server reports, not what was asked: a deleted account cannot be disabled.
                if (report.TargetDisabledAt is not null)
                {
                    console.MarkupLineInterpolated($"Account {Safe(report.TargetUsername)} is disabled; its sessions are revoked.");
                }
                else
                {
                    console.MarkupLineInterpolated($"Account {Safe(report.TargetUsername)} was not disabled (deleted: {report.TargetDeleted}).");
                }
            }
        }));

        reports.Subcommands.Add(list);
        reports.Subcommands.Add(show);
        reports.Subcommands.Add(resolve);
        return reports;
    }

    private static void Write(IAnsiConsole console, AdminReportResponse report)
    {
        var table = new Table().AddColumn("field").AddColumn("value");
        void Row(string field, string value) => table.AddRow(new Text(field), new Text(value));

        Row("id", report.Id.ToString(CultureInfo.InvariantCulture));
        Row("status", report.Status);
        Row("kind", report.Kind);
        Row("reason", report.Reason);
        Row("comment", Safe(report.Comment ?? "—"));
        Row("reported by", $"{Safe(report.ReporterUsername)} (id {report.ReporterId})");
        Row("reported", $"{Safe(report.TargetUsername)} (id {report.TargetAccountId})"
            + (report.TargetDeleted ? ", account deleted" : report.TargetDisabledAt is { } disabledAt ? $", disabled {Time(disabledAt)}" : ""));
        Row("created", Time(report.CreatedAt));
        if (report.Message is { } message)
        {
            Row("conversation", $"{message.ConversationId} ({message.ConversationKind}{(message.ConversationTitle is { } title ? ": " + Safe(title) : "")})");
            Row("message", $"#{message.Seq}, sent {Time(message.SentAt)}{(message.EditedAt is { } edited ? $", edited {Time(edited)}" : "")}{(message.ReplyTo is { } replyTo ? $", reply to #{replyTo}" : "")}");
            Row("body", Safe(message.Body));
        }

        Row("resolution", report.Resolution ?? "—");
        if (report.ResolvedAt is { } resolvedAt)
        {
            Row("resolved", $"{Time(resolvedAt)} by {report.ResolvedBy}");
            Row("note", Safe(report.ResolutionNote ?? "—"));
        }

        console.Write(table);
    }

    /// <summary>
    /// User-written text made safe for an operator's terminal: control characters (an escape sequence in a reported
    /// message could rewrite the screen) are shown as \uXXXX; line breaks and tabs stay.
    /// </summary>
    internal static string Safe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsHidden))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            safe.Append(IsHidden(c) ? $"\\u{(int)c:X4}" : c);
        }

        return safe.ToString();
    }

    /// <summary>
    /// Characters that would steer the operator's terminal or hide what a message says: controls (escape sequences),
    /// format characters (bidi overrides and isolates, zero-width joiners and spaces) and the line and paragraph
    /// separators. Newlines and tabs stay.
    /// </summary>
    private static bool IsHidden(char c) =>
        c is not ('\n' or '\t')
        && (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);

    private static string Time(DateTimeOffset time) => time.ToString("u", CultureInfo.InvariantCulture);
}
