using System.Diagnostics;

namespace Roost.Cli.Bench;

/// <summary>
/// The seed's messages: spread evenly over the conversations (each gets M / C, the first M mod C one more), sent
/// over WebSocket closed loop with one large total window, acks awaited. Users connect in batches of
/// <see cref="SeedSettings.Connections"/> by index: a conversation is sent in the batch of its first user, from
/// either member when both are connected (alternating rounds), else from its first user. Connections are not
/// synced, so the server pushes them no events; only stored messages are the point.
/// </summary>
internal sealed class SeedMessages(SeedSettings settings, List<BenchUser> users, List<(int A, int B)> pairs, long[] ids, long seedStarted)
{
    private readonly LatencyRecorder _ackLatency = new();
    private long _ackedBefore;
    private long _failed;
    private SendDriver? _current;

    public long Acked => Interlocked.Read(ref _ackedBefore) + (Volatile.Read(ref _current)?.Acked ?? 0);

    public long Failed => Interlocked.Read(ref _failed);

    public string? FirstFailure { get; private set; }

    public LatencyRecorder AckLatency => _ackLatency;

    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        var perConversation = settings.Messages / pairs.Count;
        var extra = settings.Messages % pairs.Count;
        for (var start = 0; start < pairs.Count;)
        {
            var batchFirst = pairs[start].A / settings.Connections * settings.Connections;
            var batchEnd = batchFirst + settings.Connections;
            var end = start;
            while (end < pairs.Count && pairs[end].A < batchEnd)
            {
                end++;
            }

            var batch = new Batch(start, end, batchEnd, perConversation, (int)Math.Clamp(extra - start, 0, end - start));
            if (batch.Count > 0)
            {
                await SendBatchAsync(batch, cancellationToken);
            }

            start = end;
        }

        return true;
    }

    private async Task SendBatchAsync(Batch batch, CancellationToken cancellationToken)
    {
        var members = new SortedSet<int>();
        for (var k = batch.Start; k < batch.End; k++)
        {
            members.Add(pairs[k].A);
            if (pairs[k].B < batch.UsersEnd)
            {
                members.Add(pairs[k].B);
            }
        }

        var connected = members.Select(i => users[i]).ToList();
        try
        {
            await BenchUsers.ConnectAsync(connected, settings.Parallelism, sync: false, null, cancellationToken);
            var senders = members.ToDictionary(i => i, i => BenchSender.For(users[i].Connection!, []));
            var remaining = settings.Timeout - Stopwatch.GetElapsedTime(seedStarted);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The seed did not finish within --timeout {settings.Timeout}; run it again to go on (users and conversations that exist are reused).");
            }

            var driver = new SendDriver(
                new BenchSettings { Url = settings.Url, Duration = remaining, Messages = batch.Count, InFlight = settings.InFlight, BodyBytes = settings.BodyBytes },
                trackAcked: false,
                ackLatency: _ackLatency);
            Volatile.Write(ref _current, driver);
            await driver.RunAsync(j => Pick(batch, senders, j), cancellationToken);

            // Progress may read a little low for a moment here, never high.
            Volatile.Write(ref _current, null);
            Interlocked.Add(ref _ackedBefore, driver.Acked);
            Interlocked.Add(ref _failed, driver.Failed);
            FirstFailure ??= driver.FirstFailure;
        }
        finally
        {
            await BenchUsers.DisconnectAsync(connected);
        }
    }

    /// <summary>Send number <paramref name="j"/> of a batch: round j / n over its n conversations, then the extra ones.</summary>
    private BenchTarget Pick(Batch batch, Dictionary<int, BenchSender> senders, long j)
    {
        var n = batch.End - batch.Start;
        var full = (long)n * batch.PerConversation;
        var (conversation, round) = j < full ? (batch.Start + (int)(j % n), j / n) : (batch.Start + (int)(j - full), batch.PerConversation);
        var (a, b) = pairs[conversation];
        var from = b < batch.UsersEnd && round % 2 == 1 ? b : a;
        return new BenchTarget(senders[from], ids[conversation]);
    }

    /// <summary>Conversations [Start, End) (those whose first user is below <see cref="UsersEnd"/>), and the first <see cref="Extra"/> of them get one message more.</summary>
    private readonly record struct Batch(int Start, int End, int UsersEnd, long PerConversation, int Extra)
    {
        public long Count => ((long)(End - Start) * PerConversation) + Extra;
    }
}
