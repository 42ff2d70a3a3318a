using System.Diagnostics;
using Roost.Testing;
using Spectre.Console;

namespace Roost.Cli.Tests;

/// <summary>No ANSI escapes when output is not a terminal or NO_COLOR is set (https://no-color.org).</summary>
public sealed class ColourTests
{
    private const string BadConfig = """{ "Roost": { "Storage": { "Synchronous": "sometimes" } } }""";

    [Fact]
    public async Task Redirected_output_has_no_escape_codes_even_on_a_colour_terminal_type()
    {
        var output = await RunRoostAsync(noColor: null);

        Assert.Contains("is not a valid configuration", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public async Task Redirected_output_with_NO_COLOR_has_no_escape_codes()
    {
        var output = await RunRoostAsync(noColor: "1");

        Assert.Contains("is not a valid configuration", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public void On_a_terminal_NO_COLOR_turns_escape_codes_off()
    {
        using var output = new StringWriter();
        var console = new CliTerminal(output, TextWriter.Null, OutputIsTerminal: true, ErrorIsTerminal: true, NoColor: true).CreateConsole();

        console.MarkupLine("[bold red]alarm[/] [green]fine[/]");
        console.Write(new Table().AddColumns("a", "b").AddRow("[blue]1[/]", "2"));

        Assert.Contains("alarm fine", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    /// <summary>Runs the real roost binary with stdout redirected and a terminal type that claims colours.</summary>
    private static async Task<string> RunRoostAsync(string? noColor)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "bad.json");
        await File.WriteAllTextAsync(file, BadConfig);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "roost.dll"), "config", "check", file, "-e", "Testing" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLORTERM"] = "truecolor";
        start.Environment.Remove("NO_COLOR");
        if (noColor is not null)
        {
            start.Environment["NO_COLOR"] = noColor;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return await output + await error;
    }
}
