using System.CommandLine;
using System.Globalization;
using Roost.Client;
using Roost.Protocol.Rest;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost admin …</c>: the operator API (users, sessions, stats, reports), authenticated by the server's admin token.</summary>
internal static class AdminCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var url = CommonOptions.Url();
        var token = new Option<string>("--admin-token", "-t")
        {
            Description = "The server's Roost:Admin:Token (env ROOST_ADMIN_TOKEN).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ROOST_ADMIN_TOKEN") ?? "",
        };
        var username = new Argument<string>("username");
        var admin = new Command("admin", "Operate a server: users, sessions, stats, nodes, push, reports.");
        admin.Options.Add(url);
        admin.Options.Add(token);
        url.Recursive = true;
        token.Recursive = true;

        var stats = new Command("stats", "Connections, stored counts, store size, memory.");
        stats.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var s = await client.GetAdminStatsAsync(cancellationToken);
            var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("connections (this node)", N(s.Connections));
            table.AddRow("connections (cluster)", N(s.ClusterConnections));
            table.AddRow("running nodes", N(s.RunningNodes));
            table.AddRow("accounts", N(s.Accounts));
            table.AddRow("devices (sessions)", N(s.Devices));
            table.AddRow("conversations", N(s.Conversations));
            table.AddRow("messages", N(s.Messages));
            table.AddRow("events retained", N(s.Events));
            table.AddRow("store size", Bytes(s.StoreBytes));
            table.AddRow("process working set", Bytes(s.ProcessWorkingSetBytes));
            table.AddRow("managed heap", Bytes(s.ManagedHeapBytes));
            table.AddRow("uptime", TimeSpan.FromSeconds(Math.Round(s.UptimeSeconds)).ToString());
            console.Write(table);
        }));

        var nodes = new Command("nodes", "The nodes of the cluster: state, heartbeat, connections.");
        nodes.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var listed = await client.ListNodesAsync(cancellationToken);
            var table = new Table().AddColumns("node", "address", "state", "started", "heartbeat", "connections", "accounts", "ended");
            foreach (var node in listed.Nodes)
            {
                table.AddRow(
                    Markup.Escape(node.NodeId + (node.NodeId == listed.ThisNode ? " (answered)" : "")),
                    Markup.Escape(node.Address),
                    node.State,
                    node.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    node.HeartbeatAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    N(node.Connections),
                    N(node.Accounts),
                    node.EndedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }

            console.Write(table);
        }));

        var list = new Command("users", "List accounts (by id).");
        var after = new Option<long>("--after") { Description = "List accounts after this id." };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 100, Description = "At most this many (1–1000)." };
        list.Options.Add(after);
        list.Options.Add(limit);
        list.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var page = await client.ListUsersAsync(result.GetValue(after), result.GetValue(limit), cancellationToken);
            var table = new Table().AddColumns("id", "username", "display name", "phone", "devices", "last seen", "created", "disabled");
            foreach (var user in page.Users)
            {
                AddUser(table, user);
            }

            console.Write(table);
            if (page.NextAfter is { } next)
            {
                console.MarkupLineInterpolated($"More: --after {next}");
            }
        }));

        admin.Subcommands.Add(stats);
        admin.Subcommands.Add(nodes);
        admin.Subcommands.Add(AdminPushCommand.Create(console, url, token));
        admin.Subcommands.Add(list);
        admin.Subcommands.Add(UserCommand(console, "show", "Show one account.", url, token, username, (client, name, ct) => client.ShowUserAsync(name, ct)));
        admin.Subcommands.Add(UserCommand(console, "disable", "Disable an account: it cannot log in and every session is revoked.", url, token, username, (client, name, ct) => client.DisableUserAsync(name, ct)));
        admin.Subcommands.Add(UserCommand(console, "enable", "Enable a disabled account.", url, token, username, (client, name, ct) => client.EnableUserAsync(name, ct)));
        var revoke = new Command("revoke-sessions", "Sign every device of an account out.") { username };
        revoke.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var revoked = await client.RevokeUserSessionsAsync(result.GetValue(username)!, cancellationToken);
            console.MarkupLineInterpolated($"Revoked {revoked.Revoked} session(s).");
        }));
        admin.Subcommands.Add(revoke);
        admin.Subcommands.Add(AdminReportsCommand.Create(console, url, token));
        return admin;
    }

    private static Command UserCommand(
        IAnsiConsole console, string name, string description, Option<Uri> url, Option<string> token, Argument<string> username,
        Func<RoostClient, string, CancellationToken, Task<AdminUserResponse>> call)
    {
        var command = new Command(name, description) { username };
        command.SetAction((result, cancellationToken) => RunAsync(console, result.GetValue(url)!, result.GetValue(token)!, async client =>
        {
            var user = await call(client, result.GetValue(username)!, cancellationToken);
            var table = new Table().AddColumns("id", "username", "display name", "phone", "devices", "last seen", "created", "disabled");
            AddUser(table, user);
            console.Write(table);
        }));
        return command;
    }

    internal static async Task<int> RunAsync(IAnsiConsole console, Uri url, string token, Func<RoostClient, Task> action)
    {
        if (token.Length == 0)
        {
            console.MarkupLine("[red]An admin token is required:[/] --admin-token or ROOST_ADMIN_TOKEN (the server's Roost:Admin:Token).");
            return 2;
        }

        using var client = new RoostClient(url) { AdminToken = token };
        try
        {
            await action(client);
            return 0;
        }
        catch (RoostApiException exception)
        {
            console.MarkupLineInterpolated($"[red]{(int)exception.Status} {exception.Code}:[/] {exception.Title}");
            return 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            console.MarkupLineInterpolated($"[red]Cannot reach {url}:[/] {exception.Message}");
            return 1;
        }
    }

    private static void AddUser(Table table, AdminUserResponse user) =>
        table.AddRow(
            N(user.Id),
            Markup.Escape(user.Username),
            Markup.Escape(user.DisplayName),
            Markup.Escape(user.Phone ?? "—"),
            N(user.Devices),
            user.LastSeenAt?.ToString("u", CultureInfo.InvariantCulture) ?? "—",
            user.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
            user.DisabledAt?.ToString("u", CultureInfo.InvariantCulture) ?? "—");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
