using Roost.Core.Storage;

namespace Roost.Storage.Sqlite;

/// <summary>One unit of work for the writer. Its task completes only after the batch holding it committed.</summary>
internal abstract class SqliteWriteOperation
{
    public abstract bool IsCanceled { get; }

    /// <summary>Runs inside the batch transaction; throws to have its own changes rolled back.</summary>
    public abstract void Execute(SqliteWriteContext context);

    /// <summary>Remembers a failure of this operation alone; reported after the batch ends.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Forgets a run whose transaction was rolled back, before the batch runs again.</summary>
    public abstract void Reset();

    /// <summary>Publishes the outcome once the batch committed, or <paramref name="batchFailure"/> when it did not.</summary>
    public abstract void Complete(Exception? batchFailure);
}

internal sealed class SqliteWriteOperation<T>(Func<SqliteWriteContext, T> work, CancellationToken cancellationToken) : SqliteWriteOperation
{
    private readonly WriteOutcome<T> _outcome = new(cancellationToken);

    public Task<T> Task => _outcome.Task;

    public override bool IsCanceled => _outcome.IsCanceled;

    public override void Execute(SqliteWriteContext context) => _outcome.Succeeded(work(context));

    public override void Fail(Exception exception) => _outcome.Fail(exception);

    public override void Reset() => _outcome.Reset();

    public override void Complete(Exception? batchFailure) => _outcome.Complete(batchFailure);
}
