using System.CommandLine;
using Roost.Cli.Commands;
using Spectre.Console;

namespace Roost.Cli;

/// <summary>The <c>roost</c> command: config, admin, chat and bench. Output goes to the given writers so tests can read it.</summary>
public static class RoostCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            // No terminal to measure: wide enough that tables do not wrap values (a username must stay greppable).
            console.Profile.Width = 240;
        }

        var root = new RootCommand("roost — run, operate, chat with and load-test a Roost server")
        {
            ConfigCommand.Create(console),
            AdminCommand.Create(console),
            ChatCommand.Create(console),
            BenchCommand.Create(console),
        };
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
