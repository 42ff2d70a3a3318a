namespace Roost.Core.Storage;

/// <summary>
/// The store could not commit because its disk (or its configured size) is full. Nothing of the failed write was
/// committed; the store stays usable and recovers by itself once space is freed. Answered as <c>storage_full</c>.
/// </summary>
public sealed class StorageFullException : Exception
{
    /// <summary>How long a client should wait before retrying: freeing space is an operator's job, not a second's.</summary>
    public static readonly TimeSpan SuggestedRetryAfter = TimeSpan.FromSeconds(30);

    public StorageFullException()
        : this("The store is full: no space is left for writes.")
    {
    }

    public StorageFullException(string message)
        : base(message)
    {
    }

    public StorageFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
