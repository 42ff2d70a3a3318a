namespace Roost.Core.Media;

/// <summary>
/// A container the metadata strippers refuse to copy: truncated, with boxes or blocks that overrun, or an index past
/// its cap. <see cref="Code"/> is one of <see cref="MediaErrorCodes"/>, so the processor can refuse the upload with it.
/// </summary>
public sealed class MediaStructureException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    internal static MediaStructureException Malformed(string message) => new(MediaErrorCodes.Undecodable, message);
}
