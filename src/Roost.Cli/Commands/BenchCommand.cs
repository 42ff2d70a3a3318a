using System.CommandLine;
using Roost.Cli.Bench;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost bench online|idle|group|offline</c>: load against a Roost URL, bounded in count and time.</summary>
internal static class BenchCommand
{
    public static Command Create(IAnsiConsole console, CliTerminal terminal)
    {
        var bench = new Command("bench", "Load-test a server (loopback by default). Every run is bounded by --duration and --messages.");
        bench.Subcommands.Add(Workload(console, terminal, "online", "N connected users send 1:1 messages to random online peers.", null, (s, r, c, t) => Workloads.OnlineAsync(s, c, t)));

        var groupSize = new Option<int>("--group-size", "-g") { Description = "Members per group.", DefaultValueFactory = _ => 20 };
        bench.Subcommands.Add(Workload(console, terminal, "group", "Groups of --group-size; one sender each; fan-out deliveries per second.", groupSize, (s, r, c, t) => Workloads.GroupAsync(s, r.GetValue(groupSize), c, t)));

        var connections = new Option<int>("--connections", "-c") { Description = "Connections to hold open (1–19,500: the open-file limit here is 20,000).", DefaultValueFactory = _ => 1000 };
        var hold = CommonOptions.Duration("--hold", "How long to hold them before measuring memory.", TimeSpan.FromSeconds(3));
        var idle = Workload(console, terminal, "idle", "Hold C authenticated connections open: connect rate and server memory per connection.", connections, (s, r, c, t) => Workloads.IdleAsync(s, r.GetValue(connections), r.GetValue(hold), c, t));
        idle.Options.Add(hold);
        bench.Subcommands.Add(idle);

        var senders = new Option<int>("--senders") { Description = "Connected senders (receivers are --users, offline).", DefaultValueFactory = _ => 50 };
        bench.Subcommands.Add(Workload(console, terminal, "offline", "Send --messages to offline users, then they connect and drain.", senders, (s, r, c, t) => Workloads.OfflineAsync(s, r.GetValue(senders), c, t)));
        return bench;
    }

    /// <summary>Null when the numbers make a bounded, sensible run; otherwise what is wrong.</summary>
    internal static string? Validate(int users, int window, double rate, long messages, int bodyBytes, TimeSpan duration) =>
        users < 2 ? "--users must be at least 2."
        : window is < 1 or > 256 ? "--window must be between 1 and 256."
        : rate < 0 ? "--rate must not be negative."
        : messages < 0 ? "--messages must not be negative."
        : bodyBytes is < 24 or > 60_000 ? "--body-bytes must be between 24 and 60000."
        : duration <= TimeSpan.Zero || duration > TimeSpan.FromHours(1) ? "--duration must be more than 0 and at most 1h: every run is bounded."
        : null;

    private static Command Workload(
        IAnsiConsole console, CliTerminal terminal, string name, string description, Option? extra,
        Func<BenchSettings, ParseResult, IAnsiConsole, CancellationToken, Task<BenchReport>> run)
    {
        var url = CommonOptions.Url();
        var users = new Option<int>("--users", "-n") { Description = "Users to create.", DefaultValueFactory = _ => 100 };
        var duration = CommonOptions.Duration("--duration", "How long to send (for example 30s).", TimeSpan.FromSeconds(10));
        duration.Aliases.Add("-d");
        var messages = new Option<long>("--messages", "-m") { Description = "Stop after this many messages (0: only --duration).", DefaultValueFactory = _ => 0 };
        var window = new Option<int>("--window", "-w") { Description = "In-flight sends per sender (closed loop).", DefaultValueFactory = _ => 4 };
        var rate = new Option<double>("--rate", "-r") { Description = "Offered messages per second across all senders (0: as fast as the windows allow).", DefaultValueFactory = _ => 0 };
        var body = new Option<int>("--body-bytes") { Description = "Message body size.", DefaultValueFactory = _ => 64 };
        var pid = new Option<int?>("--server-pid", "-p") { Description = "The server's process id, for CPU per message and memory from /proc." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var progress = new Option<bool?>("--progress")
        {
            Description = "A progress line on stderr once a second while sending (default: only when stderr is a terminal; --progress false: never).",
        };
        var command = new Command(name, description) { url, users, duration, messages, window, rate, body, pid, json, progress };
        if (extra is not null)
        {
            command.Options.Add(extra);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            if (Validate(result.GetValue(users), result.GetValue(window), result.GetValue(rate), result.GetValue(messages), result.GetValue(body), result.GetValue(duration)) is { } problem)
            {
                console.MarkupLineInterpolated($"[red]{problem}[/]");
                return 2;
            }

            var settings = new BenchSettings
            {
                Url = result.GetValue(url)!,
                Users = result.GetValue(users),
                Duration = result.GetValue(duration),
                Messages = result.GetValue(messages),
                Window = result.GetValue(window),
                Rate = result.GetValue(rate),
                BodyBytes = result.GetValue(body),
                ServerPid = result.GetValue(pid),
                Progress = (result.GetValue(progress) ?? terminal.ErrorIsTerminal) ? terminal.Error : null,
            };
            try
            {
                var report = await run(settings, result, console, cancellationToken);
                report.Print(console);
                if (result.GetValue(json) is { } file)
                {
                    await report.WriteJsonAsync(file.FullName);
                    console.MarkupLineInterpolated($"Report written to {file.FullName}");
                }

                var lost = report.Results.TryGetValue("lost", out var l) ? Convert.ToInt64(l, System.Globalization.CultureInfo.InvariantCulture) : 0;
                var duplicates = report.Results.TryGetValue("duplicates", out var d) ? Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) : 0;
                return lost == 0 && duplicates == 0 ? 0 : 3;
            }
            catch (ArgumentOutOfRangeException exception)
            {
                console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
                return 2;
            }
            catch (IOException exception)
            {
                console.MarkupLineInterpolated($"[red]Cannot write the report:[/] {exception.Message}");
                return 1;
            }
            catch (UnauthorizedAccessException exception)
            {
                console.MarkupLineInterpolated($"[red]Cannot write the report:[/] {exception.Message}");
                return 1;
            }
            catch (Exception exception) when (exception is HttpRequestException or Roost.Client.RoostApiException or System.Net.WebSockets.WebSocketException or TaskCanceledException)
            {
                console.MarkupLineInterpolated($"[red]The run failed:[/] {exception.Message}");
                console.MarkupLine("A bench server needs high rate limits and cheap password hashing; see docs/benchmarks.md.");
                return 1;
            }
        });
        return command;
    }
}
