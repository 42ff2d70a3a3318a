using Roost.Core.Storage;

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
    private readonly WriteOutcome<T> _outcome = new(cancellationToken);

    public Task<T> Task => _outcome.Task;

    public override bool IsCanceled => _outcome.IsCanceled;

    public override async Task ExecuteAsync(PostgresWriteContext context) => _outcome.Succeeded(await work(context));

    public override void Fail(Exception exception) => _outcome.Fail(exception);

    public override void Reset() => _outcome.Reset();

    public override void Complete(Exception? batchFailure) => _outcome.Complete(batchFailure);
}
