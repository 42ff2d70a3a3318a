using Roost.Cli.Bench;

namespace Roost.Cli.Tests;

public sealed class BenchProgressTests
{
    [Fact]
    public void A_progress_line_shows_elapsed_counts_and_the_ack_rate_since_the_last_line()
    {
        var progress = new BenchProgress(TextWriter.Null, () => default);

        var first = progress.Line(TimeSpan.FromSeconds(1), new BenchCounts(120, 100, 98));
        var second = progress.Line(TimeSpan.FromSeconds(3), new BenchCounts(1_000, 900, 890));

        Assert.Equal("   1.0s  sent 120  acked 100  delivered 98  100 acked/s", first);
        Assert.Equal("   3.0s  sent 1000  acked 900  delivered 890  400 acked/s", second);
    }
}
