namespace Roost.Core.Media;

/// <summary>What a probe read from a file's container; null wherever the file does not say or could not be read.</summary>
public sealed record MediaDetails(int? Width, int? Height, long? DurationMs)
{
    public static MediaDetails Unknown { get; } = new(null, null, null);
}
