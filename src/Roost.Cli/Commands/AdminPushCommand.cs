using System.CommandLine;
using System.Globalization;
using Roost.Client;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost admin push</c>: the push queue, the answering node's senders, every partition's breaker, recent dead letters.</summary>
internal static class AdminPushCommand
{
    public static Command Create(IAnsiConsole console, Option<Uri> url, Option<string> token)
    {
        var push = new Command("push", "The push queue (pending, in flight, dead letters), this node's senders and each partition's breaker.");
        push.SetAction((result, cancellationToken) => AdminCommand.RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var p = await client.GetAdminPushAsync(cancellationToken);
            var queue = new Table().AddColumn("queue").AddColumn(new TableColumn("value").RightAligned());
            queue.AddRow("pending", N(p.Pending));
            queue.AddRow("in flight (every node)", N(p.InFlight));
            queue.AddRow("dead letters", N(p.DeadLetters));
            queue.AddRow("push targets", N(p.Targets));
            queue.AddRow("accepted (this node)", N(p.Accepted));
            queue.AddRow("retried (this node)", N(p.Retried));
            queue.AddRow("targets removed (this node)", N(p.TargetsRemoved));
            queue.AddRow("given up (this node)", N(p.GivenUp));
            queue.AddRow("skipped, device online (this node)", N(p.SkippedOnline));
            console.Write(queue);

            var providers = new Table().AddColumns("provider", "in flight", "peak", "limit");
            foreach (var provider in p.Providers)
            {
                providers.AddRow(provider.Platform, N(provider.InFlight), N(provider.PeakInFlight), N(provider.MaxConcurrency));
            }

            console.Write(providers);
            if (p.Breakers.Count > 0)
            {
                var breakers = new Table().AddColumns("partition", "breaker", "failures", "open until", "last error");
                foreach (var breaker in p.Breakers)
                {
                    breakers.AddRow(
                        Markup.Escape(breaker.Partition),
                        breaker.State == "closed" ? "closed" : $"[red]{breaker.State}[/]",
                        N(breaker.ConsecutiveFailures),
                        breaker.OpenUntil?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                        Markup.Escape(AdminReportsCommand.Safe(breaker.LastError ?? "")));
                }

                console.Write(breakers);
            }

            if (p.RecentDeadLetters.Count > 0)
            {
                var dead = new Table().AddColumns("device", "conversation", "seq", "partition", "attempts", "error", "at");
                foreach (var letter in p.RecentDeadLetters)
                {
                    dead.AddRow(
                        N(letter.DeviceId),
                        N(letter.ConversationId),
                        N(letter.Seq),
                        Markup.Escape($"{letter.Platform}:{letter.App}"),
                        N(letter.Attempts),
                        Markup.Escape(AdminReportsCommand.Safe(letter.Error)),
                        letter.At.ToString("u", CultureInfo.InvariantCulture));
                }

                console.Write(dead);
            }
        }));
        return push;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
