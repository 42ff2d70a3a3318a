using System.CommandLine;
using Roost.Cli.Bench;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost bench seed</c>: fill a server with users, conversations and messages before measuring on it.</summary>
internal static class BenchSeedCommand
{
    public static Command Create(IAnsiConsole console, CliTerminal terminal)
    {
        var url = CommonOptions.Url();
        var users = new Option<int>("--users", "-n") { Description = "Accounts, named {prefix}_{i}; ones that exist are logged in.", DefaultValueFactory = _ => 1000 };
        var online = new Option<int>("--online", "-k") { Description = "The first K users get a direct conversation with every other of them: K(K−1)/2 conversations.", DefaultValueFactory = _ => 100 };
        var extra = new Option<int>("--extra-conversations", "-x") { Description = "Random direct conversations among the users after the first K.", DefaultValueFactory = _ => 0 };
        var messages = new Option<long>("--messages", "-m") { Description = "Messages spread evenly over all the conversations (sent over WebSocket, acks awaited).", DefaultValueFactory = _ => 0 };
        var inFlight = new Option<int>("--in-flight", "-t") { Description = "Sends in flight in total while seeding messages.", DefaultValueFactory = _ => 2048 };
        var connections = new Option<int>("--connections", "-c") { Description = "Users connected at once while sending (they connect in batches of this many).", DefaultValueFactory = _ => 1000 };
        var parallelism = new Option<int>("--parallelism") { Description = "REST calls and connects in flight at once.", DefaultValueFactory = _ => 64 };
        var prefix = new Option<string>("--prefix") { Description = "Usernames are {prefix}_{i}.", DefaultValueFactory = _ => SeedSettings.DefaultPrefix };
        var body = new Option<int>("--body-bytes") { Description = "Message body size.", DefaultValueFactory = _ => 64 };
        var timeout = CommonOptions.Duration("--timeout", "The whole seed is bounded by this (at most 24h).", TimeSpan.FromHours(2));
        var pid = new Option<int?>("--server-pid", "-p") { Description = "The server's process id, for CPU per item and memory from /proc." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var progress = BenchCommand.ProgressOption();
        var command = new Command("seed", "Fill a server with users, direct conversations and messages over the public API, to measure on a realistic store (online --existing).")
        {
            url, users, online, extra, messages, inFlight, connections, parallelism, prefix, body, timeout, pid, json, progress,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new SeedSettings
            {
                Url = result.GetValue(url)!,
                Users = result.GetValue(users),
                Online = result.GetValue(online),
                ExtraConversations = result.GetValue(extra),
                Messages = result.GetValue(messages),
                InFlight = result.GetValue(inFlight),
                Connections = result.GetValue(connections),
                Parallelism = result.GetValue(parallelism),
                Prefix = result.GetValue(prefix) ?? SeedSettings.DefaultPrefix,
                BodyBytes = result.GetValue(body),
                Timeout = result.GetValue(timeout),
                ServerPid = result.GetValue(pid),
                Progress = BenchCommand.Progress(result.GetValue(progress), terminal),
            };
            if (settings.Validate() is { } problem)
            {
                console.MarkupLineInterpolated($"[red]{problem}[/]");
                return 2;
            }

            return await BenchCommand.RunAsync(console, result.GetValue(json), () => SeedWorkload.RunAsync(settings, console, cancellationToken));
        });
        return command;
    }
}
