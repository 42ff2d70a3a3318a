using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Roost.Cli.Bench;

/// <summary>A run's parameters and results, printed as a table and optionally written as JSON.</summary>
internal sealed class BenchReport(string workload)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string Workload { get; } = workload;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Dictionary<string, object> Parameters { get; } = [];

    public Dictionary<string, object> Results { get; } = [];

    /// <summary>Set when the run did not do all it should (sends that failed in a seed): the command exits 3.</summary>
    public bool Incomplete { get; set; }

    public void AddLatency(string name, LatencySummary summary)
    {
        Results[name + "_p50_ms"] = Math.Round(summary.P50, 3);
        Results[name + "_p90_ms"] = Math.Round(summary.P90, 3);
        Results[name + "_p99_ms"] = Math.Round(summary.P99, 3);
        Results[name + "_p99.9_ms"] = Math.Round(summary.P999, 3);
        Results[name + "_max_ms"] = Math.Round(summary.Max, 3);
    }

    public void Print(IAnsiConsole console)
    {
        var table = new Table().Title($"roost bench {Workload}").AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (key, value) in Parameters)
        {
            table.AddRow("[grey]" + Markup.Escape(key) + "[/]", Markup.Escape(Format(value)));
        }

        foreach (var (key, value) in Results)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Format(value)));
        }

        console.Write(table);
    }

    public async Task WriteJsonAsync(string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { workload = Workload, startedAt = StartedAt, parameters = Parameters, results = Results }, JsonOptions);
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("#,0.###", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
