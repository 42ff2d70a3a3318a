using System.CommandLine;
using System.Globalization;

namespace Roost.Cli.Commands;

/// <summary>Options several commands share, with their environment-variable fallbacks.</summary>
internal static class CommonOptions
{
    public static Option<Uri> Url() => new("--url", "-u")
    {
        Description = "The server's base URL (env ROOST_URL).",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("ROOST_URL") ?? "http://127.0.0.1:8080"),
        CustomParser = ParseHttpUrl,
    };

    /// <summary>One absolute http(s) URL, or an error on the option.</summary>
    public static Uri? ParseHttpUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"'{text}' is not an http:// or https:// URL.");
        return null;
    }

    /// <summary>One server, or the nodes of a cluster separated by commas (the load generator spreads users over them).</summary>
    public static Option<Uri[]> Urls() => new("--url", "-u")
    {
        Description = "The server's base URL, or several nodes' separated by commas: users are spread over them (env ROOST_URL).",
        DefaultValueFactory = _ => [new Uri(Environment.GetEnvironmentVariable("ROOST_URL") ?? "http://127.0.0.1:8080")],
        CustomParser = result =>
        {
            var urls = new List<Uri>();
            foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    urls.Add(uri);
                }
                else
                {
                    result.AddError($"'{text}' is not an http:// or https:// URL.");
                    return null;
                }
            }

            if (urls.Count is 0 or > 64)
            {
                result.AddError("--url takes 1 to 64 URLs.");
                return null;
            }

            return [.. urls];
        },
    };

    /// <summary>Process ids separated by commas (the nodes of a cluster on this machine).</summary>
    public static Option<int[]> Pids(string name, string alias, string description) => new(name, alias)
    {
        Description = description,
        DefaultValueFactory = _ => [],
        CustomParser = result =>
        {
            var pids = new List<int>();
            foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid < 1)
                {
                    result.AddError($"'{text}' is not a process id.");
                    return null;
                }

                pids.Add(pid);
            }

            return [.. pids];
        },
    };

    /// <summary>Durations as people write them: 500ms, 30s, 2m, 1h, or hh:mm:ss.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value >= 0)
            {
                var total = value * seconds;
                return total is > 0 and < 31_536_000 || total == 0
                    ? TimeSpan.FromSeconds(total)
                    : throw new FormatException($"'{text}' is longer than any run may be.");
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : throw new FormatException($"'{text}' is not a duration: use 500ms, 30s, 2m, 1h or hh:mm:ss.");
    }

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            try
            {
                return ParseDuration(result.Tokens.Single().Value);
            }
            catch (FormatException exception)
            {
                result.AddError(exception.Message);
                return default;
            }
        },
    };
}
