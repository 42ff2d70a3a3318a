namespace Roost.Core.Tests.Allocation;

/// <summary>
/// Tests that must have the process to themselves. xunit v3 starts collections with parallelization disabled only
/// after every parallel collection of the assembly has finished, and runs them one at a time (and a class's tests
/// one after another), so no other test allocates while these measure.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
