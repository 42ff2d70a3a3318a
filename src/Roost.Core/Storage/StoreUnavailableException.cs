namespace Roost.Core.Storage;

/// <summary>
/// The store could not be reached or lost its connection mid-write (a database server restarting, a network cut).
/// Nothing of the failed write was acknowledged; it may or may not have committed, so clients retry with the same
/// client id and the store's idempotency answers. The store reconnects by itself. Answered as <c>store_unavailable</c>.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>How long a client should wait before retrying: a database restart takes seconds.</summary>
    public static readonly TimeSpan SuggestedRetryAfter = TimeSpan.FromSeconds(2);

    public StoreUnavailableException()
        : this("The store is unavailable.")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
