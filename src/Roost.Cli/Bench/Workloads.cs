using System.Diagnostics;
using Roost.Client.Realtime;
using Spectre.Console;

namespace Roost.Cli.Bench;

/// <summary>The workloads of <c>roost bench</c>. Each signs in its own users (or seeded ones), runs bounded, and reports.</summary>
internal static partial class Workloads
{
    /// <summary>Groups of <paramref name="groupSize"/>; one member of each sends, every other member receives.</summary>
    public static async Task<BenchReport> GroupAsync(BenchSettings settings, int groupSize, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (groupSize < 2 || groupSize > settings.Users)
        {
            throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "--group-size must be at least 2 and at most --users.");
        }

        var report = Start("group", settings);
        report.Parameters["group size"] = groupSize;
        var groups = Math.Max(1, settings.Users / groupSize);
        report.Parameters["groups"] = groups;
        var users = await SetUpAsync(settings, groups * groupSize, console, cancellationToken);
        try
        {
            var senders = new List<BenchSender>();
            for (var g = 0; g < groups; g++)
            {
                var members = users.Skip(g * groupSize).Take(groupSize).ToList();
                var group = await members[0].Client.CreateGroupAsync($"bench {g}", members.Skip(1).Select(m => m.Username).ToList(), cancellationToken);
                senders.Add(BenchSender.For(members[0].Connection!, [group.Id]));
            }

            var result = await MeasureAsync(report, settings, users, senders, console, cancellationToken);
            result.Results["fan-out per message"] = groupSize - 1;
            return result;
        }
        finally
        {
            await BenchUsers.DisposeAsync(users);
        }
    }

    /// <summary>C authenticated connections held open: how long to open them, and server memory per connection.</summary>
    public static async Task<BenchReport> IdleAsync(BenchSettings settings, int connections, TimeSpan hold, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (connections is < 1 or > 19_500 || hold > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(connections), connections, "--connections is 1 to 19,500 and --hold at most 10m.");
        }

        var report = Start("idle", settings);
        report.Parameters["connections"] = connections;
        var server = ServerProcess.Find(settings.ServerPids);
        var accounts = Math.Max(1, Math.Min(settings.Users, connections));
        var users = await BenchUsers.SignInAsync(settings.Nodes, accounts, settings.PrefixOr(BenchSettings.FreshPrefix()), BenchSignIn.RegisterOrLogIn, settings.Parallelism, null, cancellationToken);
        var open = new List<RoostConnection>(connections);
        try
        {
            GC.Collect();
            var rssBefore = server?.ResidentBytes() ?? 0;
            var cpuBefore = server?.CpuSeconds() ?? 0;
            var started = Stopwatch.GetTimestamp();
            var gate = new Lock();
            await Parallel.ForAsync(0, connections, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism * 2, CancellationToken = cancellationToken }, async (i, token) =>
            {
                var user = users[i % users.Count];
                var connection = await RoostConnection.ConnectAsync(user.Client.BaseAddress!, user.Client.AccessToken!, frameBuffer: 64, cancellationToken: token);
                lock (gate)
                {
                    open.Add(connection);
                }
            });
            var connectTime = Stopwatch.GetElapsedTime(started);
            var cpuConnect = (server?.CpuSeconds() ?? 0) - cpuBefore;
            var cpuHeldFrom = server?.CpuSeconds() ?? 0;
            await Task.Delay(hold, cancellationToken);
            var cpuHeld = (server?.CpuSeconds() ?? 0) - cpuHeldFrom;
            var rssAfter = server?.ResidentBytes() ?? 0;
            report.Results["connected"] = open.Count;
            report.Results["connect time s"] = Math.Round(connectTime.TotalSeconds, 3);
            report.Results["connects per s"] = Math.Round(open.Count / connectTime.TotalSeconds, 1);
            if (server is not null)
            {
                report.Results["server rss before MiB"] = Math.Round(rssBefore / 1048576.0, 1);
                report.Results["server rss after MiB"] = Math.Round(rssAfter / 1048576.0, 1);
                report.Results["server bytes per connection"] = (rssAfter - rssBefore) / Math.Max(1, open.Count);
                report.Results["server CPU per connect ms"] = Math.Round(cpuConnect * 1000 / Math.Max(1, open.Count), 3);

                // What open connections (and whatever their connects set off, such as presence) cost while nobody sends.
                report.Results["server CPU while held s"] = Math.Round(cpuHeld, 3);
            }

            return report;
        }
        finally
        {
            foreach (var connection in open)
            {
                connection.Abort();
                await connection.DisposeAsync();
            }

            await BenchUsers.DisposeAsync(users);
        }
    }

    /// <summary>M messages to offline users; then they connect and drain everything they missed.</summary>
    public static async Task<BenchReport> OfflineAsync(BenchSettings settings, int senderCount, IAnsiConsole console, CancellationToken cancellationToken)
    {
        settings = settings with { Rate = 0 }; // Storing as fast as the senders can is the point.
        var report = Start("offline", settings);
        var receivers = settings.Users;
        senderCount = Math.Max(1, Math.Min(senderCount, receivers));
        report.Parameters["senders"] = senderCount;
        var server = ServerProcess.Find(settings.ServerPids);
        var all = await BenchUsers.SignInAsync(settings.Nodes, receivers + senderCount, settings.PrefixOr(BenchSettings.FreshPrefix()), BenchSignIn.RegisterOrLogIn, settings.Parallelism, null, cancellationToken);
        var senders = all.Take(senderCount).ToList();
        var offline = all.Skip(senderCount).ToList();
        try
        {
            await BenchUsers.ConnectAsync(senders, settings.Parallelism, sync: true, null, cancellationToken);
            var pairs = Enumerable.Range(0, offline.Count).Select(r => (r % senderCount, senderCount + r)).ToList();
            var ids = await BenchConversations.CreateAsync(all, pairs, settings.Parallelism, null, cancellationToken);
            var perSender = BenchConversations.ByUser(all.Count, pairs, ids);
            var cursors = await Task.WhenAll(offline.Select(async u => (await u.Client.GetConversationsAsync(limit: 1, cancellationToken: cancellationToken)).Cursor));

            // Senders receive their own messages' events too (for their other devices): drain them.
            using var stopSenders = new CancellationTokenSource();
            var senderDrains = senders.Select(s => new DeliveryTracker().ReadAsync(s.Connection!, s.AccountId, stopSenders.Token)).ToList();
            var driver = new SendDriver(settings);
            var tracker = new DeliveryTracker();
            using var stopProgress = new CancellationTokenSource();
            var progress = StartProgress(settings, () => new(driver.Sent, driver.Acked, tracker.Delivered), stopProgress.Token);
            var cpuBefore = server?.CpuSeconds() ?? 0;
            var sendStarted = Stopwatch.GetTimestamp();
            await driver.RunAsync(senders.Select((s, i) => BenchSender.For(s.Connection!, perSender[i])).ToList(), cancellationToken);
            var sendTime = Stopwatch.GetElapsedTime(sendStarted);
            var cpuStore = (server?.CpuSeconds() ?? 0) - cpuBefore;
            await stopSenders.CancelAsync();
            await Task.WhenAll(senderDrains);

            using var stopReading = new CancellationTokenSource();
            var drainStarted = Stopwatch.GetTimestamp();
            var readers = new List<Task>();
            await Parallel.ForAsync(0, offline.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism * 2, CancellationToken = cancellationToken }, async (r, token) =>
            {
                var connection = await RoostConnection.ConnectAsync(offline[r].Client.BaseAddress!, offline[r].Client.AccessToken!, syncFrom: cursors[r], frameBuffer: 1 << 20, cancellationToken: token);
                offline[r].Connection = connection;
                var reader = tracker.ReadAsync(connection, offline[r].AccountId, stopReading.Token);
                lock (readers)
                {
                    readers.Add(reader);
                }
            });
            await tracker.WaitForAsync(driver.Acked, TimeSpan.FromSeconds(60));
            var drainTime = Stopwatch.GetElapsedTime(drainStarted);
            await stopProgress.CancelAsync();
            await progress;
            await stopReading.CancelAsync();
            await Task.WhenAll(readers);

            report.Results["acked"] = driver.Acked;
            report.Results["store msgs per s"] = Math.Round(driver.Acked / sendTime.TotalSeconds, 1);
            report.Results["drained"] = tracker.Delivered;
            report.Results["drain time s"] = Math.Round(drainTime.TotalSeconds, 3);
            report.Results["lost"] = tracker.Lost(driver.AckedIds.Keys, 1);
            report.Results["duplicates"] = tracker.Duplicates;
            report.AddLatency("ack", driver.AckLatency.Summarize());
            if (server is not null)
            {
                report.Results["server CPU per stored message us"] = Math.Round(cpuStore * 1e6 / Math.Max(1, driver.Acked), 1);
            }

            return report;
        }
        finally
        {
            await BenchUsers.DisposeAsync(all);
        }
    }

    private static async Task<BenchReport> MeasureAsync(
        BenchReport report, BenchSettings settings, List<BenchUser> users, List<BenchSender> senders, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var server = ServerProcess.Find(settings.ServerPids);
        var warmup = settings.ForWarmup();
        var tracker = new DeliveryTracker(warmup.ClientIdPrefix);
        using var stopReading = new CancellationTokenSource();
        var readers = users.Select(u => tracker.ReadAsync(u.Connection!, u.AccountId, stopReading.Token)).ToList();
        if (settings.Warmup > TimeSpan.Zero)
        {
            console.MarkupLineInterpolated($"Warming up for {settings.Warmup.TotalSeconds:0.#} s (not counted)…");
            await new SendDriver(warmup).RunAsync(senders, cancellationToken);
        }

        var driver = new SendDriver(settings);
        var cpuBefore = server?.CpuSeconds() ?? 0;
        var started = Stopwatch.GetTimestamp();
        console.MarkupLineInterpolated($"Sending for up to {settings.Duration.TotalSeconds:0.#} s from {senders.Count} senders…");
        using var stopProgress = new CancellationTokenSource();
        var progress = StartProgress(settings, () => new(driver.Sent, driver.Acked, tracker.Delivered), stopProgress.Token);
        await driver.RunAsync(senders, cancellationToken);
        var sendTime = Stopwatch.GetElapsedTime(started);

        // Everything acknowledged must arrive: wait for the tail, bounded.
        var receiversEach = ExpectedReceivers(report);
        await tracker.WaitForAsync(driver.Acked * receiversEach, TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stopProgress.CancelAsync();
        await progress;
        var cpu = (server?.CpuSeconds() ?? 0) - cpuBefore;
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);

        report.Results["sent"] = driver.Sent;
        report.Results["acked"] = driver.Acked;
        report.Results["failed sends"] = driver.Failed;
        report.Results["delivered"] = tracker.Delivered;
        report.Results["lost"] = tracker.Lost(driver.AckedIds.Keys, receiversEach);
        report.Results["duplicates"] = tracker.Duplicates;
        report.Results["send seconds"] = Math.Round(sendTime.TotalSeconds, 3);
        report.Results["acked msgs per s"] = Math.Round(driver.Acked / sendTime.TotalSeconds, 1);
        report.Results["delivered per s"] = Math.Round(tracker.Delivered / elapsed.TotalSeconds, 1);
        report.AddLatency("ack", driver.AckLatency.Summarize());
        report.AddLatency("end-to-end", tracker.EndToEnd.Summarize());
        if (settings.Rate > 0)
        {
            // The generator's own lag behind the schedule (already inside the latencies above, which count from due times).
            var lag = driver.IssueLag.Summarize();
            report.Results["issue lag p99 ms"] = Math.Round(lag.P99, 3);
            report.Results["issue lag max ms"] = Math.Round(lag.Max, 3);
        }

        if (server is not null)
        {
            report.Results["server CPU s"] = Math.Round(cpu, 3);
            report.Results["server CPU per acked message us"] = Math.Round(cpu * 1e6 / Math.Max(1, driver.Acked), 2);
            report.Results["server CPU per delivery us"] = Math.Round(cpu * 1e6 / Math.Max(1, tracker.Delivered), 2);
            report.Results["server rss MiB"] = Math.Round(server.ResidentBytes() / 1048576.0, 1);
        }

        return report;
    }

    private static Task StartProgress(BenchSettings settings, Func<BenchCounts> read, CancellationToken stop) =>
        settings.Progress is { } writer ? new BenchProgress(writer, read).RunAsync(stop) : Task.CompletedTask;

    private static int ExpectedReceivers(BenchReport report) =>
        report.Parameters.TryGetValue("group size", out var size) ? (int)size - 1 : 1;

    private static BenchReport Start(string workload, BenchSettings settings)
    {
        var report = new BenchReport(workload);
        report.Parameters["url"] = string.Join(",", settings.Nodes);
        report.Parameters["users"] = settings.Users;
        report.Parameters["duration s"] = settings.Duration.TotalSeconds;
        report.Parameters["messages"] = settings.Messages;
        report.Parameters["pacing"] = settings.Pacing;
        report.Parameters["body bytes"] = settings.BodyBytes;
        return report;
    }

    private static async Task<List<BenchUser>> SetUpAsync(BenchSettings settings, int count, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var users = await SignInAsync(settings, count, BenchSignIn.RegisterOrLogIn, settings.PrefixOr(BenchSettings.FreshPrefix()), console, cancellationToken);
        await ConnectAsync(settings, users, console, cancellationToken);
        return users;
    }

    private static Task<List<BenchUser>> SignInAsync(BenchSettings settings, int count, BenchSignIn mode, string prefix, IAnsiConsole console, CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"{(mode == BenchSignIn.LogIn ? "Logging in" : "Creating")} {count} users ({prefix}_*)…");
        var done = 0L;
        return CountProgress.RunAsync(settings.Progress, "users", count, () => Interlocked.Read(ref done), () =>
            BenchUsers.SignInAsync(settings.Nodes, count, prefix, mode, settings.Parallelism, _ => Interlocked.Increment(ref done), cancellationToken));
    }

    private static Task ConnectAsync(BenchSettings settings, List<BenchUser> users, IAnsiConsole console, CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"Connecting {users.Count} users…");
        var done = 0L;
        return CountProgress.RunAsync(settings.Progress, "connected", users.Count, () => Interlocked.Read(ref done), () =>
            BenchUsers.ConnectAsync(users, settings.Parallelism, sync: true, _ => Interlocked.Increment(ref done), cancellationToken));
    }
}
