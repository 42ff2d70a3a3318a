using Roost.Core.Errors;

namespace Roost.Core.Media;

/// <summary>
/// Uploads, media items, their content-addressed blobs and the references that keep them. Bytes live in an
/// <see cref="IBlobStore"/>; this store holds what they are and who may see them. Attaching to a message and
/// releasing on its deletion happen in the message store's own transaction.
/// </summary>
public interface IMediaStore
{
    /// <summary>Creates the upload within the account's limits (uploads in progress, bytes today).</summary>
    Task<Outcome<MediaUpload>> CreateUploadAsync(NewUpload upload, MediaLimits limits, CancellationToken cancellationToken);

    /// <summary>The upload or media item, if it belongs to <paramref name="accountId"/>.</summary>
    Task<MediaUpload?> GetUploadAsync(string id, long accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a chunk that is already durable in the blob store. Refused when the offset moved meanwhile (409), the
    /// upload is not the caller's or is no longer uploading. The last byte moves the upload to processing.
    /// </summary>
    Task<Outcome<MediaUpload>> AppendChunkAsync(NewChunk chunk, MediaLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the caller's upload or media item if nothing references it. Returns the blob keys that are no longer
    /// needed (to delete after commit), or null when there was nothing of the caller's to delete.
    /// </summary>
    Task<IReadOnlyList<string>?> DeleteAsync(string id, long accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Leases finished uploads for processing until <paramref name="leaseUntil"/>, counting an attempt for each. A due
    /// job that already had <paramref name="maxAttempts"/> claims (its runs failed or died with the process) is
    /// refused for good instead, as <see cref="FailJobAsync"/> does with <see cref="MediaErrorCodes.Failed"/>, kept until
    /// <paramref name="keepUntil"/>.
    /// </summary>
    Task<IReadOnlyList<MediaJob>> ClaimJobsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, int maxAttempts, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Renews the lease of a job still running (so no other node claims it meanwhile). False when the item is no
    /// longer processing.
    /// </summary>
    Task<bool> ExtendJobLeaseAsync(string mediaId, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Records the files of a media item and reserves their blobs (the reservation keeps them from the sweeper).</summary>
    Task<BlobReservation> ReserveFilesAsync(string mediaId, IReadOnlyList<MediaFile> files, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the reserved blobs written and the media ready; its chunks become garbage. False when the item is no
    /// longer processing (deleted, or finished by another node).
    /// </summary>
    Task<bool> CompleteJobAsync(string mediaId, ProcessedMedia result, DateTimeOffset now, DateTimeOffset unattachedUntil, CancellationToken cancellationToken);

    /// <summary>Refuses the media for good with <paramref name="code"/>; its chunks and files become garbage.</summary>
    Task FailJobAsync(string mediaId, string code, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a job back to try again at <paramref name="dueAt"/>. Unless <paramref name="countAttempt"/>, the claim that
    /// ran it does not count toward the attempts (a wait for a blob being deleted is no failure).
    /// </summary>
    Task RetryJobAsync(string mediaId, DateTimeOffset dueAt, bool countAttempt, CancellationToken cancellationToken);

    /// <summary>
    /// The media item if <paramref name="accountId"/> may see it: its uploader, or a member of a conversation where a
    /// message that carries it is visible to them. Null otherwise (the caller cannot tell "not yours" from "none").
    /// </summary>
    Task<StoredMedia?> GetForViewerAsync(string id, long accountId, CancellationToken cancellationToken);

    /// <summary>Whether a media item with this id exists (to answer 403 rather than 404 to someone who may not see it).</summary>
    Task<bool> ExistsAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Expires unfinished uploads and unattached media, and hands out up to <paramref name="limit"/> blob keys to
    /// delete: garbage chunks, and blobs this call claims for deletion (state "being deleted", claimed at
    /// <paramref name="now"/>): stored blobs no file has referenced since <paramref name="unreferencedBefore"/>,
    /// reservations never completed and no file names, reserved before <paramref name="abandonedBefore"/> (well above
    /// the processing lease), and claims of other sweepers made before <paramref name="unreferencedBefore"/> (stale:
    /// that sweeper died). A blob key is handed to one caller only: no other call returns it while the claim is fresh.
    /// </summary>
    Task<IReadOnlyList<string>> CollectGarbageAsync(DateTimeOffset now, DateTimeOffset unreferencedBefore, DateTimeOffset abandonedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets keys whose objects were deleted from the blob store: chunks, and blobs still under the claim made at
    /// <paramref name="claimedAt"/> (the <c>now</c> of the <see cref="CollectGarbageAsync"/> that returned them). A blob
    /// another sweeper took over, or reserved again after that, stays.
    /// </summary>
    Task ForgetDeletedAsync(IReadOnlyList<string> keys, DateTimeOffset claimedAt, CancellationToken cancellationToken);
}
