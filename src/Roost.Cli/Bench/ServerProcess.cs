using System.Globalization;

namespace Roost.Cli.Bench;

/// <summary>
/// Reads a local server's CPU time and memory from /proc, the fair yardstick on a small machine where the load
/// generator itself tops out: server CPU per delivered message.
/// </summary>
internal sealed class ServerProcess(int pid)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public int Pid => pid;

    public static ServerProcess? Find(int? pid) => pid is { } id && File.Exists($"/proc/{id}/stat") ? new ServerProcess(id) : null;

    /// <summary>User plus system CPU seconds used so far.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name may contain spaces; fields resume after the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (user + system) / ClockTicksPerSecond;
    }

    /// <summary>Resident memory in bytes (VmRSS).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        return 0;
    }
}
