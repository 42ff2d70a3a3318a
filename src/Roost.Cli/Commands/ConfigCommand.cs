using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Roost.Server.Options;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary><c>roost config check &lt;file&gt;</c>: validates a server configuration exactly as the server would at start-up.</summary>
internal static class ConfigCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<FileInfo>("file") { Description = "An appsettings-style JSON file with a Roost section." };
        var environment = new Option<string>("--environment", "-e")
        {
            Description = "The environment to validate for (Production refuses development-only settings).",
            DefaultValueFactory = _ => "Production",
        };
        var check = new Command("check", "Validate a configuration file and print the effective settings, secrets redacted.") { file, environment };
        check.SetAction(result => Check(console, result.GetValue(file)!, result.GetValue(environment)!));
        return new Command("config", "Server configuration.") { check };
    }

    /// <summary>0 when valid; 2 when the file is missing, malformed or invalid (the server's own exit code for a bad configuration).</summary>
    internal static int Check(IAnsiConsole console, FileInfo file, string environment)
    {
        if (!file.Exists)
        {
            console.MarkupLineInterpolated($"[red]No such file:[/] {file.FullName}");
            return 2;
        }

        RoostOptions options;
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false).Build();
            options = RoostOptionsLoader.Load(configuration, environment);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            console.MarkupLineInterpolated($"[red]Cannot read {file.FullName}:[/] {exception.Message}");
            return 2;
        }
        catch (InvalidDataException exception)
        {
            console.MarkupLineInterpolated($"[red]{file.Name} is not valid JSON:[/] {exception.Message}");
            return 2;
        }
        catch (FormatException exception)
        {
            console.MarkupLineInterpolated($"[red]{file.Name} is not valid JSON:[/] {exception.Message}");
            return 2;
        }
        catch (RoostConfigurationException exception)
        {
            console.MarkupLineInterpolated($"[red]{file.Name} is not a valid configuration for {environment}:[/]");
            foreach (var problem in exception.Problems)
            {
                console.MarkupLineInterpolated($"  - {problem}");
            }

            return 2;
        }

        var table = new Table().AddColumn("setting").AddColumn("effective value");
        foreach (var (key, value) in Flatten("Roost", options))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"[green]{file.Name} is valid for {environment}.[/]");
        return 0;
    }

    /// <summary>Every leaf setting with its value; anything that names a secret shows as *** when set.</summary>
    internal static IEnumerable<(string Key, string Value)> Flatten(string prefix, object options)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var key = prefix + ":" + property.Name;
            var value = property.GetValue(options);
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is TimeSpan)
            {
                var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                yield return (key, IsSecret(property.Name) && text.Length > 0 ? "***" : WithoutUserInfo(text));
                continue;
            }

            foreach (var leaf in Flatten(key, value))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>A URL's user:password part is a secret too.</summary>
    private static string WithoutUserInfo(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? text.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : text;

    private static bool IsSecret(string name) =>
        name.Contains("Token", StringComparison.Ordinal) || name.Contains("Key", StringComparison.Ordinal) || name.Contains("Secret", StringComparison.Ordinal);
}
