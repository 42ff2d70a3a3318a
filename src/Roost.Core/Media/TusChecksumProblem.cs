namespace Roost.Core.Media;

/// <summary>Why an <c>Upload-Checksum</c> header was refused; tus answers 400 for both, but logs and tests tell them apart.</summary>
public enum TusChecksumProblem
{
    None,

    /// <summary>Not <c>algorithm base64digest</c>, or a digest of the wrong length for its algorithm.</summary>
    Malformed,

    /// <summary>An algorithm other than those in <see cref="TusProtocol.ChecksumAlgorithms"/>.</summary>
    UnsupportedAlgorithm,
}
