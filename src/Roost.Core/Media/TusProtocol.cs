namespace Roost.Core.Media;

/// <summary>What Roost's uploads speak of tus 1.0 (https://tus.io/protocols/resumable-upload), as announced by OPTIONS.</summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";

    public const string Extensions = "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";

    public const string ChecksumAlgorithms = "sha1,sha256";

    /// <summary>The only content type a PATCH (or a creation with upload) may carry.</summary>
    public const string OffsetContentType = "application/offset+octet-stream";
}
