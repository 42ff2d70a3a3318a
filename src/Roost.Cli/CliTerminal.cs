using Spectre.Console;

namespace Roost.Cli;

/// <summary>
/// Where the CLI writes and whether each writer is a terminal. ANSI escapes (colour, bold) only go to a terminal and
/// never when NO_COLOR is set to anything non-empty (https://no-color.org); tables and text stay the same.
/// </summary>
internal sealed record CliTerminal(TextWriter Output, TextWriter Error, bool OutputIsTerminal, bool ErrorIsTerminal, bool NoColor)
{
    /// <summary>The process's own stdout/stderr count as terminals unless redirected; any other writer (a test's) never.</summary>
    public static CliTerminal For(TextWriter output, TextWriter error) => new(
        output,
        error,
        output == Console.Out && !Console.IsOutputRedirected,
        error == Console.Error && !Console.IsErrorRedirected,
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));

    public bool UsesAnsi => OutputIsTerminal && !NoColor;

    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Output),
            Ansi = UsesAnsi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = UsesAnsi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!OutputIsTerminal)
        {
            // No terminal to measure: wide enough that tables do not wrap values (a username must stay greppable).
            console.Profile.Width = 240;
        }

        return console;
    }
}
