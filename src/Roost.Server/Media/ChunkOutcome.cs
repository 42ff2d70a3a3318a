using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Server.Media;

/// <summary>What a PATCH (or a creation with upload) did: the upload after it, or why nothing was counted.</summary>
internal sealed record ChunkOutcome(MediaUpload? Upload, RoostError? Error, int? Status = null)
{
    public static ChunkOutcome Refused(RoostError error, int? status = null) => new(null, error, status);
}
