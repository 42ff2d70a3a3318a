namespace Roost.Core.Storage;

/// <summary>The data directory or a secret file in it can be read by other local users; the server refuses to start.</summary>
public sealed class UnsafeDataDirectoryException : Exception
{
    public UnsafeDataDirectoryException()
    {
    }

    public UnsafeDataDirectoryException(string message)
        : base(message)
    {
    }

    public UnsafeDataDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
