namespace Roost.Core.Tests.Allocation;

/// <summary>
/// Bytes allocated per call. Warms up first (JIT, statics, pools), then measures <see cref="Rounds"/> rounds of
/// <see cref="Calls"/> calls and keeps the least. A synchronous call is counted on its own thread only, so nothing
/// else in the process can add to it; an asynchronous one (the store's writer allocates on its own thread) over every
/// thread of the process, where another thread allocating meanwhile (the runner reporting a result) can only add to a
/// round. Counts, not times: the same code allocates the same on a loaded machine.
/// </summary>
internal static class AllocationMeter
{
    public const int Calls = 2_000;
    public const int Rounds = 3;

    /// <summary>Distinct call indices handed out: warm-up and every round get their own (a send's client id, say).</summary>
    public const int Indices = Calls * (Rounds + 1);

    public static Measurement PerCall(Action<int> call)
    {
        for (var i = 0; i < Calls; i++)
        {
            call(i);
        }

        var rounds = new long[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            var first = Calls * (round + 1);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = first; i < first + Calls; i++)
            {
                call(i);
            }

            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return new Measurement(rounds);
    }

    public static async Task<Measurement> PerCallAsync(Func<int, Task> call)
    {
        for (var i = 0; i < Calls; i++)
        {
            await call(i);
        }

        var rounds = new long[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            var first = Calls * (round + 1);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = first; i < first + Calls; i++)
            {
                await call(i);
            }

            rounds[round] = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        return new Measurement(rounds);
    }
}

/// <summary>Bytes allocated in each round of <see cref="AllocationMeter.Calls"/> calls.</summary>
internal sealed record Measurement(long[] Rounds)
{
    public double BytesPerCall => Rounds.Min() / (double)AllocationMeter.Calls;

    public override string ToString() =>
        $"{BytesPerCall:F1} B per call (rounds of {AllocationMeter.Calls}: {string.Join(", ", Rounds.Select(r => $"{r} B"))})";
}
