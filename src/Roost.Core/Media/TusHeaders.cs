namespace Roost.Core.Media;

/// <summary>The tus 1.0 header names, and the strict reading of its numeric headers.</summary>
public static class TusHeaders
{
    public const string Resumable = "Tus-Resumable";
    public const string Version = "Tus-Version";
    public const string Extension = "Tus-Extension";
    public const string MaxSize = "Tus-Max-Size";
    public const string ChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadExpires = "Upload-Expires";

    /// <summary>
    /// Reads <c>Upload-Offset</c> or <c>Upload-Length</c>: ASCII digits only (no sign, space or separator), at most 19,
    /// within <see cref="long"/>. Anything looser would let two parsers on the path disagree about an offset.
    /// </summary>
    public static bool TryParseLength(string? value, out long length)
    {
        length = 0;
        if (value is not { Length: > 0 and <= 19 })
        {
            return false;
        }

        var result = 0L;
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) || result > (long.MaxValue - (c - '0')) / 10)
            {
                return false;
            }

            result = (result * 10) + (c - '0');
        }

        length = result;
        return true;
    }
}
