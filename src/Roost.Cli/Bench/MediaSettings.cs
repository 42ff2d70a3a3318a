using System.Globalization;

namespace Roost.Cli.Bench;

/// <summary>
/// What <c>roost bench media</c> does: for each of <see cref="Sizes"/>, <see cref="Count"/> tus uploads, at most
/// <see cref="Concurrency"/> at once, each in chunks of <see cref="ChunkSize"/>; then <see cref="Downloads"/> GETs of
/// one of them from <see cref="DownloadUrl"/>, <see cref="DownloadConcurrency"/> at once. Sizes are binary (1MiB = 1,048,576 bytes).
/// </summary>
internal sealed record MediaSettings
{
    /// <summary>tus allows at most this many requests per upload (docs/protocol.md); the first chunk must hold 4,096 bytes.</summary>
    public const int MaxChunksPerUpload = 2000;

    public const int MinChunkSize = 4096;

    public required Uri Url { get; init; }

    /// <summary>Where downloads go (a proxy in front of the server, say); the API URL when not given.</summary>
    public required Uri DownloadUrl { get; init; }

    public IReadOnlyList<long> Sizes { get; init; } = [1L << 20, 100L << 20];

    public int Count { get; init; } = 8;

    public int Concurrency { get; init; } = 1;

    public int ChunkSize { get; init; } = 8 << 20;

    public int Downloads { get; init; } = 32;

    public int DownloadConcurrency { get; init; } = 1;

    public string? Prefix { get; init; }

    /// <summary>The whole run is bounded by this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public int? ServerPid { get; init; }

    /// <summary>A proxy's processes (nginx's workers), for its CPU per download.</summary>
    public IReadOnlyList<int> ProxyPids { get; init; } = [];

    public TextWriter? Progress { get; init; }

    /// <summary>Null when the numbers make a bounded, sensible run; otherwise what is wrong.</summary>
    public string? Validate() =>
        Sizes.Count is 0 or > 16 ? "--size takes 1 to 16 sizes."
        : Sizes.Any(s => s is < 1 or > 512L << 20) ? "Every --size must be between 1 byte and 512MiB (the server's default largest upload)."
        : Count is < 1 or > 10_000 ? "--count must be between 1 and 10,000."
        : Concurrency is < 1 or > 256 ? "--concurrency must be between 1 and 256."
        : ChunkSize is < MinChunkSize or > 256 << 20 ? "--chunk-size must be between 4KiB (the server decides the type from the first 4,096 bytes) and 256MiB."
        : Sizes.Any(s => (s + ChunkSize - 1) / ChunkSize > MaxChunksPerUpload) ? $"--chunk-size is too small for the largest --size: an upload takes at most {MaxChunksPerUpload:N0} requests."
        : Downloads is < 0 or > 1_000_000 ? "--downloads must be between 0 and 1,000,000."
        : DownloadConcurrency is < 1 or > 1024 ? "--download-concurrency must be between 1 and 1,024."
        : Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(24) ? "--timeout must be more than 0 and at most 24h: every run is bounded."
        : Prefix is { } p ? BenchUsers.ValidatePrefix(p, Concurrency)
        : null;

    /// <summary>Sizes as people write them: 4096, 256KiB, 256KB, 1MiB, 100M, 1GiB (K, M and G are binary).</summary>
    public static long ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        (string Suffix, long Factor)[] units =
        [
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30),
            ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
        ];
        var factor = 1L;
        foreach (var (suffix, value) in units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                trimmed = trimmed[..^suffix.Length].TrimEnd();
                factor = value;
                break;
            }
        }

        return double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && number * factor is >= 1 and <= long.MaxValue / 2 && Math.Abs(number * factor - Math.Round(number * factor)) < 1e-6
            ? (long)Math.Round(number * factor)
            : throw new FormatException($"'{text}' is not a size: use 4096, 256KiB, 1MiB or 100MiB.");
    }

    /// <summary>A size the way the report names it: 256KiB, 1MiB, 100MiB, 1.5MiB, 1000B.</summary>
    public static string FormatSize(long bytes)
    {
        (string Suffix, long Factor)[] units = [("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10)];
        foreach (var (suffix, factor) in units)
        {
            if (bytes >= factor)
            {
                return ((double)bytes / factor).ToString("0.##", CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }
}
