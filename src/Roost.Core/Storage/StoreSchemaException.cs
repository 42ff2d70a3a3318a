namespace Roost.Core.Storage;

/// <summary>The database cannot be used by this build (for example, its schema is newer). Start-up stops with this message.</summary>
public sealed class StoreSchemaException : Exception
{
    public StoreSchemaException()
    {
    }

    public StoreSchemaException(string message)
        : base(message)
    {
    }

    public StoreSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
