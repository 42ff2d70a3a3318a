using System.Diagnostics.CodeAnalysis;

namespace Roost.Core.Errors;

/// <summary>The result of a use case: a value, or a <see cref="RoostError"/> the client can act on.</summary>
public readonly struct Outcome<T>
{
    private readonly T? _value;

    private Outcome(T? value, RoostError? error)
    {
        _value = value;
        Error = error;
    }

    public RoostError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Outcome failed with {Error.Code}; there is no value.");

    public static Outcome<T> Success(T value) => new(value, null);

    public static Outcome<T> Failure(RoostError error) => new(default, error);

#pragma warning disable CA2225 // Named alternates exist: Success and Failure.
    public static implicit operator Outcome<T>(T value) => Success(value);

    public static implicit operator Outcome<T>(RoostError error) => Failure(error);
#pragma warning restore CA2225
}

/// <summary>A use case that returns nothing on success.</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}
