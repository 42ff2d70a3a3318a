using System.CommandLine;
using Roost.Cli.Commands;
using Spectre.Console;

namespace Roost.Cli;

/// <summary>The <c>roost</c> command: config, admin, chat and bench. Output goes to the given writers so tests can read it.</summary>
public static class RoostCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var terminal = CliTerminal.For(output, error);
        var console = terminal.CreateConsole();
        var root = new RootCommand("roost — run, operate, chat with and load-test a Roost server")
        {
            ConfigCommand.Create(console),
            AdminCommand.Create(console),
            ChatCommand.Create(console),
            BenchCommand.Create(console, terminal),
        };
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
