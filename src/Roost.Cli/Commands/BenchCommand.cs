using System.CommandLine;
using Roost.Cli.Bench;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost bench online|idle|group|offline|seed|media</c>: load against a Roost URL, bounded in count and time.</summary>
internal static class BenchCommand
{
    public static Command Create(IAnsiConsole console, CliTerminal terminal)
    {
        var bench = new Command("bench", "Load-test a server (loopback by default). Every run is bounded by --duration and --messages.");
        var peers = new Option<int?>("--peers")
        {
            Description = $"Direct conversations per user, up to --users − 1 (every pair). Default {Workloads.DefaultPeers}; with --existing, every seeded one among the online users.",
        };
        var existing = new Option<bool>("--existing")
        {
            Description = $"Reuse users made by `roost bench seed` (same --prefix, default {SeedSettings.DefaultPrefix}): log in, and take their direct conversations among the --users online ones as peers. Creates nothing.",
        };
        bench.Subcommands.Add(Workload(
            console, terminal, "online", "N connected users send 1:1 messages, each from a random online user to a random one of its peers.", [peers, existing],
            (s, r, c, t) => Workloads.OnlineAsync(s, new OnlinePeers(r.GetValue(peers), r.GetValue(existing)), c, t)));

        var groupSize = new Option<int>("--group-size", "-g") { Description = "Members per group.", DefaultValueFactory = _ => 20 };
        bench.Subcommands.Add(Workload(console, terminal, "group", "Groups of --group-size; one sender each; fan-out deliveries per second.", [groupSize], (s, r, c, t) => Workloads.GroupAsync(s, r.GetValue(groupSize), c, t)));

        var connections = new Option<int>("--connections", "-c") { Description = "Connections to hold open (1–19,500: the open-file limit here is 20,000).", DefaultValueFactory = _ => 1000 };
        var hold = CommonOptions.Duration("--hold", "How long to hold them before measuring memory.", TimeSpan.FromSeconds(3));
        bench.Subcommands.Add(Workload(
            console, terminal, "idle", "Hold C authenticated connections open: connect rate and server memory per connection.", [connections, hold],
            (s, r, c, t) => Workloads.IdleAsync(s, r.GetValue(connections), r.GetValue(hold), c, t)));

        var senders = new Option<int>("--senders") { Description = "Connected senders (receivers are --users, offline).", DefaultValueFactory = _ => 50 };
        bench.Subcommands.Add(Workload(console, terminal, "offline", "Send --messages to offline users, then they connect and drain.", [senders], (s, r, c, t) => Workloads.OfflineAsync(s, r.GetValue(senders), c, t)));
        bench.Subcommands.Add(BenchSeedCommand.Create(console, terminal));
        bench.Subcommands.Add(BenchMediaCommand.Create(console, terminal));
        return bench;
    }

    /// <summary>Null when the numbers make a bounded, sensible run; otherwise what is wrong. Null pacing options were not given.</summary>
    internal static string? Validate(int users, int? window, double rate, int? inFlight, long messages, int bodyBytes, TimeSpan duration) =>
        users < 2 ? "--users must be at least 2."
        : inFlight is not null && (window is not null || rate > 0)
            ? "--in-flight is a total window across all senders; it cannot be combined with --window (a window per sender) or --rate (open loop)."
        : window is not null && rate > 0 ? "--window paces a closed loop and --rate an open one: give one of them."
        : window is < 1 or > 256 ? "--window must be between 1 and 256."
        : inFlight is < 1 or > 65_536 ? "--in-flight must be between 1 and 65,536."
        : rate is < 0 or > 1_000_000 ? "--rate must be between 0 and 1,000,000 messages per second."
        : messages < 0 ? "--messages must not be negative."
        : bodyBytes is < 24 or > 60_000 ? "--body-bytes must be between 24 and 60000."
        : duration <= TimeSpan.Zero || duration > TimeSpan.FromHours(1) ? "--duration must be more than 0 and at most 1h: every run is bounded."
        : null;

    /// <summary>
    /// Runs a workload and prints its report (and writes it as JSON when asked). Exit codes: 0 done, 1 the run
    /// failed, 2 bad options, 3 the run lost or duplicated messages or did not do all it should.
    /// </summary>
    internal static async Task<int> RunAsync(IAnsiConsole console, FileInfo? json, Func<Task<BenchReport>> run)
    {
        try
        {
            var report = await run();
            report.Print(console);
            if (json is not null)
            {
                await report.WriteJsonAsync(json.FullName);
                console.MarkupLineInterpolated($"Report written to {json.FullName}");
            }

            var lost = report.Results.TryGetValue("lost", out var l) ? Convert.ToInt64(l, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var duplicates = report.Results.TryGetValue("duplicates", out var d) ? Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return lost == 0 && duplicates == 0 && !report.Incomplete ? 0 : 3;
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
        catch (Exception exception) when (exception is BenchSetupException or TimeoutException)
        {
            console.MarkupLineInterpolated($"[red]The run failed:[/] {exception.Message}");
            return 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or Roost.Client.RoostApiException or System.Net.WebSockets.WebSocketException or TaskCanceledException)
        {
            console.MarkupLineInterpolated($"[red]The run failed:[/] {exception.Message}");
            console.MarkupLine("A bench server needs high rate limits and cheap password hashing; see docs/benchmarks.md.");
            return 1;
        }
    }

    /// <summary>Whether progress lines go to stderr: as asked, else when stderr is a terminal.</summary>
    internal static TextWriter? Progress(bool? asked, CliTerminal terminal) => (asked ?? terminal.ErrorIsTerminal) ? terminal.Error : null;

    internal static Option<bool?> ProgressOption() => new("--progress")
    {
        Description = "A progress line on stderr once a second (default: only when stderr is a terminal; --progress false: never).",
    };

    private static Command Workload(
        IAnsiConsole console, CliTerminal terminal, string name, string description, IReadOnlyList<Option> extra,
        Func<BenchSettings, ParseResult, IAnsiConsole, CancellationToken, Task<BenchReport>> run)
    {
        var url = CommonOptions.Urls();
        var users = new Option<int>("--users", "-n") { Description = "Users to sign in (created, or with --existing seeded ones).", DefaultValueFactory = _ => 100 };
        var duration = CommonOptions.Duration("--duration", "How long to send (for example 30s).", TimeSpan.FromSeconds(10));
        duration.Aliases.Add("-d");
        var messages = new Option<long>("--messages", "-m") { Description = "Stop after this many messages (0: only --duration).", DefaultValueFactory = _ => 0 };
        var warmup = CommonOptions.Duration("--warmup", "Send at the same pace for this long first, not counted (for example 10s).", TimeSpan.Zero);
        var window = new Option<int?>("--window", "-w") { Description = "Closed loop: sends in flight per sender (default 4)." };
        var inFlight = new Option<int?>("--in-flight", "-t") { Description = "Closed loop: sends in flight in total, each from a random sender to a random peer (instead of --window)." };
        var rate = new Option<double>("--rate", "-r")
        {
            Description = "Open loop: messages per second across all senders, on a fixed schedule; latency counts from each send's due time (0: closed loop).",
            DefaultValueFactory = _ => 0,
        };
        var body = new Option<int>("--body-bytes") { Description = "Message body size.", DefaultValueFactory = _ => 64 };
        var pid = CommonOptions.Pids("--server-pid", "-p", "The server's process id (a cluster's nodes': several, separated by commas), for CPU per message and memory from /proc.");
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var progress = ProgressOption();
        var parallelism = new Option<int>("--parallelism") { Description = "REST calls and connects in flight at once while setting up.", DefaultValueFactory = _ => 32 };
        var prefix = new Option<string?>("--prefix") { Description = $"Usernames are {{prefix}}_{{i}} (default: a fresh random prefix; with --existing, {SeedSettings.DefaultPrefix})." };
        var command = new Command(name, description) { url, users, duration, warmup, messages, window, inFlight, rate, body, pid, json, progress, parallelism, prefix };
        foreach (var option in extra)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new BenchSettings
            {
                Url = result.GetValue(url)![0],
                Nodes = result.GetValue(url)!,
                Users = result.GetValue(users),
                Duration = result.GetValue(duration),
                Warmup = result.GetValue(warmup),
                Messages = result.GetValue(messages),
                Window = result.GetValue(window) ?? 4,
                InFlight = result.GetValue(inFlight) ?? 0,
                Rate = result.GetValue(rate),
                BodyBytes = result.GetValue(body),
                ServerPids = result.GetValue(pid)!,
                Progress = Progress(result.GetValue(progress), terminal),
                Parallelism = result.GetValue(parallelism),
                Prefix = result.GetValue(prefix),
            };
            var problem = Validate(settings.Users, result.GetValue(window), settings.Rate, result.GetValue(inFlight), settings.Messages, settings.BodyBytes, settings.Duration)
                ?? (settings.Parallelism is < 1 or > 1024 ? "--parallelism must be between 1 and 1,024." : null)
                ?? (settings.Warmup < TimeSpan.Zero || settings.Warmup > TimeSpan.FromMinutes(10) ? "--warmup must be between 0 and 10m." : null)
                ?? (settings.Prefix is { } p ? BenchUsers.ValidatePrefix(p, settings.Users) : null);
            if (problem is not null)
            {
                console.MarkupLineInterpolated($"[red]{problem}[/]");
                return 2;
            }

            return await RunAsync(console, result.GetValue(json), () => run(settings, result, console, cancellationToken));
        });
        return command;
    }
}
