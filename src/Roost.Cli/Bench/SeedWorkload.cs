using System.Diagnostics;
using Spectre.Console;

namespace Roost.Cli.Bench;

/// <summary>
/// <c>roost bench seed</c>: fills a server to a realistic size before anything is measured, over the public API
/// only (REST and WebSocket, so it works on any store engine). Restartable: users that exist are logged in,
/// conversations that exist are found (direct conversations are find-or-create); messages are added again.
/// </summary>
internal static class SeedWorkload
{
    public static async Task<BenchReport> RunAsync(SeedSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var report = new BenchReport("seed");
        report.Parameters["url"] = settings.Url.ToString();
        report.Parameters["prefix"] = settings.Prefix;
        report.Parameters["users"] = settings.Users;
        report.Parameters["online"] = settings.Online;
        report.Parameters["extra conversations"] = settings.ExtraConversations;
        report.Parameters["messages"] = settings.Messages;
        report.Parameters["in flight"] = settings.InFlight;
        report.Parameters["connections"] = settings.Connections;
        report.Parameters["parallelism"] = settings.Parallelism;
        var server = ServerProcess.Find(settings.ServerPid);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        var started = Stopwatch.GetTimestamp();
        List<BenchUser> users = [];
        try
        {
            var signedIn = 0L;
            users = await PhaseAsync(report, server, console, settings.Progress, "users", "user", settings.Users, () => Interlocked.Read(ref signedIn), () =>
                BenchUsers.SignInAsync(settings.Url, settings.Users, settings.Prefix, BenchSignIn.RegisterOrLogIn, settings.Parallelism, _ => Interlocked.Increment(ref signedIn), deadline.Token));
            report.Results["users registered"] = users.Count(u => u.Registered);
            report.Results["users that existed"] = users.Count(u => !u.Registered);

            // Pairs ordered by their first user: the clique first, then the extra pairs (whose users all come after it).
            var pairs = PeerGraph.Complete(settings.Online).ToList();
            pairs.AddRange(PeerGraph.Random(settings.Online, settings.Users, settings.ExtraConversations));
            var created = 0L;
            var ids = await PhaseAsync(report, server, console, settings.Progress, "conversations", "conversation", pairs.Count, () => Interlocked.Read(ref created), () =>
                BenchConversations.CreateAsync(users, pairs, settings.Parallelism, () => Interlocked.Increment(ref created), deadline.Token));

            if (settings.Messages > 0)
            {
                var messages = new SeedMessages(settings, users, pairs, ids, started);
                await PhaseAsync(report, server, console, settings.Progress, "messages", "message", settings.Messages, () => messages.Acked, () => messages.SendAsync(deadline.Token));
                report.Results["failed sends"] = messages.Failed;
                report.AddLatency("ack", messages.AckLatency.Summarize());
                if (messages.Failed > 0)
                {
                    report.Incomplete = true;
                    console.MarkupLineInterpolated($"[red]{messages.Failed} sends failed[/], the first: {messages.FirstFailure}");
                }
            }

            var total = Stopwatch.GetElapsedTime(started);
            report.Results["seed seconds"] = Math.Round(total.TotalSeconds, 1);
            if (server is not null)
            {
                report.Results["server rss MiB"] = Math.Round(server.ResidentBytes() / 1048576.0, 1);
            }

            console.MarkupLineInterpolated($"Seeded in {total.TotalSeconds:0.0} s. Measure on it: roost bench online --existing --prefix {settings.Prefix} -n {Math.Max(2, settings.Online)} …");
            return report;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The seed did not finish within --timeout {settings.Timeout}; run it again to go on (users and conversations that exist are reused).");
        }
        finally
        {
            await BenchUsers.DisposeAsync(users);
        }
    }

    /// <summary>One phase: its progress, its time, its rate and (given the server's pid) the server's CPU per item.</summary>
    private static async Task<T> PhaseAsync<T>(
        BenchReport report, ServerProcess? server, IAnsiConsole console, TextWriter? progress, string what, string unit, long total, Func<long> done, Func<Task<T>> work)
    {
        console.MarkupLineInterpolated($"Seeding {total:N0} {what}…");
        var cpuBefore = server?.CpuSeconds() ?? 0;
        var started = Stopwatch.GetTimestamp();
        var result = await CountProgress.RunAsync(progress, what, total, done, work);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var count = done();
        var rate = count / Math.Max(seconds, 1e-6);
        report.Results[what + " seeded"] = count;
        report.Results[what + " seconds"] = Math.Round(seconds, 3);
        report.Results[what + " per s"] = Math.Round(rate, 1);
        if (server is not null)
        {
            report.Results[$"server CPU per {unit} us"] = Math.Round(((server.CpuSeconds() - cpuBefore) * 1e6) / Math.Max(1, count), 1);
        }

        console.MarkupLineInterpolated($"{count:N0} {what} in {seconds:0.0} s: {rate:N0}/s");
        return result;
    }
}
