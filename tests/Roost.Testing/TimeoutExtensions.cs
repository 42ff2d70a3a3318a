namespace Roost.Testing;

/// <summary>Every await in a test is bounded: a hang fails the test instead of the whole run.</summary>
public static class TimeoutExtensions
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Limit);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Limit);

    public static Task DefaultTimeout(this ValueTask task) => task.AsTask().WaitAsync(Limit);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Limit);
}
