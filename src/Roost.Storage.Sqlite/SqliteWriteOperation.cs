namespace Roost.Storage.Sqlite;

/// <summary>One unit of work for the writer. Its task completes only after the batch holding it committed.</summary>
internal abstract class SqliteWriteOperation
{
    public abstract bool IsCanceled { get; }

    /// <summary>Runs inside the batch transaction; throws to have its own changes rolled back.</summary>
    public abstract void Execute(SqliteWriteContext context);

    /// <summary>Remembers a failure of this operation alone; reported after the batch ends.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Publishes the outcome once the batch committed, or <paramref name="batchFailure"/> when it did not.</summary>
    public abstract void Complete(Exception? batchFailure);
}

internal sealed class SqliteWriteOperation<T>(Func<SqliteWriteContext, T> work, CancellationToken cancellationToken) : SqliteWriteOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _failure;
    private bool _executed;

    public Task<T> Task => _completion.Task;

    public override bool IsCanceled => cancellationToken.IsCancellationRequested;

    public override void Execute(SqliteWriteContext context)
    {
        _result = work(context);
        _executed = true;
    }

    public override void Fail(Exception exception) => _failure = exception;

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
