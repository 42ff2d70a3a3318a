using System.Globalization;

namespace Roost.Cli.Bench;

/// <summary>
/// Reads a local server's CPU time and memory from /proc, the fair yardstick on a small machine where the load
/// generator itself tops out: server CPU per delivered message. For a cluster on one machine, the sum over its nodes.
/// </summary>
internal sealed class ServerProcess(IReadOnlyList<int> pids)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static ServerProcess? Find(int? pid) => pid is { } id ? Find([id]) : null;

    /// <summary>The processes, when every one of them exists (null for none).</summary>
    public static ServerProcess? Find(IReadOnlyList<int> pids) =>
        pids.Count > 0 && pids.All(id => File.Exists($"/proc/{id}/stat")) ? new ServerProcess(pids) : null;

    /// <summary>User plus system CPU seconds used so far, summed over the processes.</summary>
    public double CpuSeconds() => pids.Sum(CpuSeconds);

    /// <summary>Resident memory in bytes (VmRSS), summed over the processes.</summary>
    public long ResidentBytes() => pids.Sum(pid => StatusBytes(pid, "VmRSS:"));

    /// <summary>The peak resident memory in bytes since each process started (VmHWM), summed over the processes.</summary>
    public long PeakResidentBytes() => pids.Sum(pid => StatusBytes(pid, "VmHWM:"));

    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name may contain spaces; fields resume after the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (user + system) / ClockTicksPerSecond;
    }

    private static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        return 0;
    }
}
