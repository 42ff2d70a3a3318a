using Roost.Core.Storage;

namespace Roost.Core.Tests.Storage;

/// <summary>Where a write's continuation runs: on the completing (writer) thread only for writes queued inside an inline scope.</summary>
public sealed class WriteOutcomeTests
{
    [Fact]
    public async Task A_write_queued_inside_an_inline_scope_continues_on_the_thread_that_completes_it()
    {
        WriteOutcome<int> outcome;
        using (InlineWriteCompletion.Enter())
        {
            outcome = new WriteOutcome<int>(CancellationToken.None);
        }

        var continuedOn = ContinuationThreadAsync(outcome.Task);
        var completedOn = await CompleteOnOwnThreadAsync(outcome);

        Assert.Equal(completedOn, await continuedOn.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_write_queued_outside_a_scope_never_runs_its_caller_on_the_completing_thread()
    {
        var outcome = new WriteOutcome<int>(CancellationToken.None);

        var continuedOn = ContinuationThreadAsync(outcome.Task);
        var completedOn = await CompleteOnOwnThreadAsync(outcome);

        Assert.NotEqual(completedOn, await continuedOn.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_scope_ends_where_it_was_opened_and_nested_scopes_restore_the_outer_one()
    {
        Assert.False(InlineWriteCompletion.IsActive);
        using (InlineWriteCompletion.Enter())
        {
            using (InlineWriteCompletion.Enter())
            {
                Assert.True(InlineWriteCompletion.IsActive);
            }

            Assert.True(InlineWriteCompletion.IsActive);
        }

        Assert.False(InlineWriteCompletion.IsActive);
    }

    private static async Task<int> ContinuationThreadAsync(Task<int> write)
    {
        await write.ConfigureAwait(false);
        return Environment.CurrentManagedThreadId;
    }

    /// <summary>Completes the outcome on a dedicated thread (as an engine's writer would) and returns that thread's id.</summary>
    private static async Task<int> CompleteOnOwnThreadAsync(WriteOutcome<int> outcome)
    {
        var completedOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            outcome.Succeeded(7);
            outcome.Complete(batchFailure: null);
            completedOn.SetResult(Environment.CurrentManagedThreadId);
        });
        thread.Start();
        return await completedOn.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
