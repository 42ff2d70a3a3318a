namespace Roost.Core.Storage;

/// <summary>
/// What an engine's batching writer tells the caller of one queued write, once its batch ended: the operation's own
/// failure, else the batch's failure, else its result (only if it ran), else that it was canceled before it ran.
/// Shared by every engine's write operation.
/// </summary>
public sealed class WriteOutcome<T>(CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(
        InlineWriteCompletion.IsActive ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _failure;
    private bool _executed;

    public Task<T> Task => _completion.Task;

    public bool IsCanceled => cancellationToken.IsCancellationRequested;

    public void Succeeded(T result)
    {
        _result = result;
        _executed = true;
    }

    /// <summary>Remembers a failure of this operation alone; reported after the batch ends.</summary>
    public void Fail(Exception exception) => _failure = exception;

    /// <summary>Forgets a run whose transaction was rolled back, before the batch runs again.</summary>
    public void Reset()
    {
        _result = default;
        _failure = null;
        _executed = false;
    }

    /// <summary>Completes the caller's task once the batch committed, or with <paramref name="batchFailure"/> when it did not.</summary>
    public void Complete(Exception? batchFailure)
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
