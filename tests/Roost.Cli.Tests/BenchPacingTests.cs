using Roost.Cli.Bench;
using Roost.Cli.Commands;
using Roost.Testing;

namespace Roost.Cli.Tests;

/// <summary>How the load generator paces sends and pairs users, without a server.</summary>
public sealed class BenchPacingTests
{
    [Fact]
    public void The_open_loop_schedule_spaces_sends_by_the_rate_and_ends_with_the_duration()
    {
        // Microsecond ticks, 1,000 msgs/s from t = 5 ms for 2 s: send k is due at 5 + k ms, the last one before 2.005 s.
        var schedule = new OpenLoopSchedule(5_000, 1000, 1_000_000, TimeSpan.FromSeconds(2));

        Assert.Equal(2000, schedule.Total);
        Assert.Equal(0, schedule.DueBy(4_999));
        Assert.Equal(1, schedule.DueBy(5_000));
        Assert.Equal(1, schedule.DueBy(5_999));
        Assert.Equal(2, schedule.DueBy(6_000));
        Assert.Equal(11, schedule.DueBy(15_500));
        Assert.Equal(2000, schedule.DueBy(2_004_000));
        Assert.Equal(2000, schedule.DueBy(60_000_000));
        Assert.Equal(5_000, schedule.DueAt(0));
        Assert.Equal(14_000, schedule.DueAt(9));
        Assert.Equal(2_004_000, schedule.DueAt(1999));
        for (var k = 0; k < 2000; k++)
        {
            Assert.Equal(k + 1, schedule.DueBy(schedule.DueAt(k)));
        }
    }

    [Fact]
    public async Task Open_loop_latency_counts_from_each_sends_due_time_not_from_when_it_was_issued()
    {
        var clock = new SteppedClock();
        var sender = new FakeSender();
        var driver = new SendDriver(new BenchSettings { Url = new Uri("http://127.0.0.1:1"), Rate = 1000, Duration = TimeSpan.FromSeconds(1) }, clock);
        var schedule = new OpenLoopSchedule(clock.Now, 1000, clock.TimestampFrequency, TimeSpan.FromSeconds(1));
        var started = new List<Task>();

        // The generator was held up for 10 ms: the eleven sends due meanwhile (at 0, 1, … 10 ms) go out at once,
        // without waiting for acks.
        clock.Now += 10_000;
        Assert.True(driver.IssueDue(schedule, _ => new BenchTarget(sender.Sender, 1), started));
        Assert.Equal(11, sender.Pending);

        // All are answered 5 ms later: 15 ms after the first was due, 5 ms after the last.
        clock.Now += 5_000;
        sender.CompleteAll();
        await Task.WhenAll(started).DefaultTimeout();

        var ack = driver.AckLatency.Summarize();
        Assert.Equal(11, ack.Samples);
        Assert.Equal(15.0, ack.Max); // Measured from issue, every one would read 5 ms.
        Assert.Equal(10.0, ack.P50);
        Assert.Equal(10.0, driver.IssueLag.Summarize().Max);
        Assert.Equal(11, driver.Acked);
    }

    [Fact]
    public async Task A_total_window_keeps_exactly_that_many_sends_in_flight_across_all_senders()
    {
        using var arrivals = new SemaphoreSlim(0);
        var senders = Enumerable.Range(0, 5).Select(_ => new FakeSender(arrivals)).ToList();
        var driver = new SendDriver(new BenchSettings { Url = new Uri("http://127.0.0.1:1"), InFlight = 3, Messages = 20, Duration = TimeSpan.FromMinutes(1) });

        var run = driver.RunAsync(senders.Select(s => s.Sender).ToList(), CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await arrivals.WaitAsync(TimeoutExtensions.Limit));
        }

        Assert.Equal(3, senders.Sum(s => s.Pending));
        for (var answered = 1; answered <= 20; answered++)
        {
            senders.First(s => s.Pending > 0).CompleteOne();
            if (answered + 3 <= 20)
            {
                // Each ack lets exactly one more send out, from whichever sender the driver picks.
                Assert.True(await arrivals.WaitAsync(TimeoutExtensions.Limit));
            }

            Assert.Equal(Math.Min(3, 20 - answered), senders.Sum(s => s.Pending));
        }

        await run.DefaultTimeout();
        Assert.Equal(20, driver.Sent);
        Assert.Equal(20, driver.Acked);
        Assert.True(senders.Count(s => s.Calls > 0) > 1, "Sends go to random senders.");
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 2)]
    [InlineData(10, 3)]
    [InlineData(10, 9)]
    [InlineData(11, 4)]
    [InlineData(11, 10)]
    [InlineData(50, 49)]
    [InlineData(1000, 4)]
    public void The_peer_graph_gives_every_user_exactly_the_peers_asked_for_each_pair_once(int users, int peers)
    {
        var pairs = PeerGraph.Circulant(users, peers);

        Assert.Equal(pairs.Count, pairs.Select(p => (Math.Min(p.A, p.B), Math.Max(p.A, p.B))).Distinct().Count());
        Assert.All(pairs, p => Assert.NotEqual(p.A, p.B));
        var degrees = new int[users];
        foreach (var (a, b) in pairs)
        {
            degrees[a]++;
            degrees[b]++;
        }

        Assert.All(degrees, d => Assert.Equal(peers, d));
        if (peers == users - 1)
        {
            Assert.Equal(users * (users - 1) / 2, pairs.Count);
        }
    }

    [Fact]
    public void With_odd_peers_and_odd_users_one_user_has_a_peer_fewer()
    {
        var degrees = new int[11];
        foreach (var (a, b) in PeerGraph.Circulant(11, 3))
        {
            degrees[a]++;
            degrees[b]++;
        }

        Assert.Equal(10, degrees.Count(d => d == 3));
        Assert.Equal(1, degrees.Count(d => d == 2));
    }

    [Fact]
    public void Seed_pairs_are_the_clique_then_distinct_random_pairs_among_the_rest_the_same_each_time()
    {
        var clique = PeerGraph.Complete(5).ToList();
        var extra = PeerGraph.Random(5, 30, 40);

        Assert.Equal(10, clique.Count);
        Assert.Equal(40, extra.Distinct().Count());
        Assert.All(extra, p => Assert.True(p.A >= 5 && p.A < p.B && p.B < 30));
        Assert.Equal(extra.OrderBy(p => p).ToList(), extra);
        Assert.Equal(extra, PeerGraph.Random(5, 30, 40));
    }

    [Fact]
    public void Pacing_options_are_exclusive_and_bounded()
    {
        var ten = TimeSpan.FromSeconds(10);
        Assert.Null(BenchCommand.Validate(10, null, 0, 100, 0, 64, ten));
        Assert.Null(BenchCommand.Validate(10, null, 500, null, 0, 64, ten));
        Assert.Contains("cannot be combined", BenchCommand.Validate(10, 4, 0, 100, 0, 64, ten), StringComparison.Ordinal);
        Assert.Contains("cannot be combined", BenchCommand.Validate(10, null, 500, 100, 0, 64, ten), StringComparison.Ordinal);
        Assert.Contains("give one of them", BenchCommand.Validate(10, 4, 500, null, 0, 64, ten), StringComparison.Ordinal);
        Assert.Contains("--in-flight must be", BenchCommand.Validate(10, null, 0, 0, 0, 64, ten), StringComparison.Ordinal);
        Assert.Contains("--rate must be", BenchCommand.Validate(10, null, 2_000_000, null, 0, 64, ten), StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_settings_must_make_a_bounded_sensible_seed()
    {
        var good = new SeedSettings { Url = new Uri("http://127.0.0.1:1"), Users = 23_000, Online = 1000, ExtraConversations = 20_000, Messages = 2_000_000 };

        Assert.Null(good.Validate());
        Assert.Equal(519_500, good.Conversations);
        Assert.Contains("--online", (good with { Online = 30_000 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--extra-conversations", (good with { Users = 1010 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("at most 2,000,000", (good with { Online = 3000 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("needs conversations", (good with { Online = 1, ExtraConversations = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--prefix", (good with { Prefix = "no spaces" }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--prefix is too long", (good with { Prefix = new string('a', 30) }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--timeout", (good with { Timeout = TimeSpan.FromDays(2) }).Validate(), StringComparison.Ordinal);
    }

    /// <summary>A clock whose timestamps (microseconds) move only when the test moves them.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        public long Now { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Now;
    }

    /// <summary>A sender whose sends are acknowledged only when the test says so.</summary>
    private sealed class FakeSender
    {
        private readonly Queue<TaskCompletionSource> _pending = new();
        private readonly Lock _gate = new();

        public FakeSender(SemaphoreSlim? arrivals = null) => Sender = new BenchSender([1, 2, 3], (_, _, _, _) =>
        {
            var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _pending.Enqueue(ack);
                Calls++;
            }

            arrivals?.Release();
            return ack.Task;
        });

        public BenchSender Sender { get; }

        public int Calls { get; private set; }

        public int Pending
        {
            get
            {
                lock (_gate)
                {
                    return _pending.Count;
                }
            }
        }

        public void CompleteOne()
        {
            lock (_gate)
            {
                _pending.Dequeue().SetResult();
            }
        }

        public void CompleteAll()
        {
            lock (_gate)
            {
                while (_pending.TryDequeue(out var ack))
                {
                    ack.SetResult();
                }
            }
        }
    }
}
