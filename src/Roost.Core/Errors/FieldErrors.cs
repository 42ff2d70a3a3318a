namespace Roost.Core.Errors;

/// <summary>Collects per-field validation messages so a client sees every problem at once, not one per round trip.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>Adds <paramref name="message"/> when it is not null (validators return null for valid input).</summary>
    public void AddIfPresent(string field, string? message)
    {
        if (message is not null)
        {
            Add(field, message);
        }
    }

    public RoostError ToError() =>
        RoostError.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
