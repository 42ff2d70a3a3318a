namespace Roost.Storage.Postgres;

/// <summary>One unit of work for the writer. Its task completes only after the batch holding it committed.</summary>
internal abstract class PostgresWriteOperation
{
    public abstract bool IsCanceled { get; }

    /// <summary>Runs inside the batch transaction; throws to have its own changes rolled back.</summary>
    public abstract Task ExecuteAsync(PostgresWriteContext context);

    public abstract void Fail(Exception exception);

    /// <summary>Forgets a run whose transaction was rolled back, before the batch runs again.</summary>
    public abstract void Reset();

    public abstract void Complete(Exception? batchFailure);
}

internal sealed class PostgresWriteOperation<T>(Func<PostgresWriteContext, Task<T>> work, CancellationToken cancellationToken) : PostgresWriteOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _failure;
    private bool _executed;

    public Task<T> Task => _completion.Task;

    public override bool IsCanceled => cancellationToken.IsCancellationRequested;

    public override async Task ExecuteAsync(PostgresWriteContext context)
    {
        _result = await work(context);
        _executed = true;
    }

    public override void Fail(Exception exception) => _failure = exception;

    public override void Reset()
    {
        _result = default;
        _failure = null;
        _executed = false;
    }

    public override void Complete(Exception? batchFailure)
    {
        if (_failure is not null)
        {
            _completion.TrySetException(_failure);
        }
        else if (batchFailure is not null)
        {
            _completion.TrySetException(batchFailure);
        }
        else if (_executed)
        {
            _completion.TrySetResult(_result!);
        }
        else
        {
            _completion.TrySetCanceled(cancellationToken);
        }
    }
}
