using Npgsql;
using Roost.Core.Delivery;
using Roost.Protocol.Events;

namespace Roost.Storage.Postgres;

/// <summary>What a write operation sees: the writer's connection inside the current batch transaction, which holds the append lock.</summary>
internal sealed class PostgresWriteContext(NpgsqlConnection connection, NpgsqlTransaction transaction) : PostgresSession(connection, transaction)
{
    /// <summary>Events written by this batch so far, in cursor order; published after the commit.</summary>
    public List<CommittedEvent> Emitted { get; } = [];

    /// <summary>
    /// Appends an event to the stream of every recipient in one round trip, after <paramref name="before"/> (statements
    /// with positional parameters that go in the same round trip, such as the change the event reports). The payload is
    /// serialized once. The id is taken from the sequence while this transaction holds the append lock, so ids become
    /// visible in increasing order.
    /// </summary>
    public Task<long> EmitAsync(RoostEvent @event, IReadOnlyCollection<long> recipients, DateTimeOffset now, params (string Sql, object?[] Parameters)[] before) =>
        EmitAsync(@event, recipients, now, before, pushAccounts: null, connectedDevices: [], conversationId: 0, seq: 0);

    /// <summary>
    /// <see cref="EmitAsync(RoostEvent, IReadOnlyCollection{long}, DateTimeOffset, ValueTuple{string, object[]}[])"/> for a
    /// new message, queuing in the same round trip a push for every device of <paramref name="pushAccounts"/> that has
    /// a target and is not among <paramref name="connectedDevices"/> (connected here: the socket brings it): one job per device and conversation, so a later message raises the pending job's seq and cursor
    /// instead of adding one, waits for the end of the coalescing window after a push (a quiet job), and revives a dead letter. The event is marked when a push was queued.
    /// </summary>
    public Task<long> EmitMessageAsync(
        RoostEvent @event,
        IReadOnlyCollection<long> recipients,
        long[] pushAccounts,
        long[] connectedDevices,
        long conversationId,
        long seq,
        DateTimeOffset now,
        params (string Sql, object?[] Parameters)[] before) =>
        EmitAsync(@event, recipients, now, before, pushAccounts, connectedDevices, conversationId, seq);

    private async Task<long> EmitAsync(
        RoostEvent @event,
        IReadOnlyCollection<long> recipients,
        DateTimeOffset now,
        (string Sql, object?[] Parameters)[] before,
        long[]? pushAccounts,
        long[] connectedDevices,
        long conversationId,
        long seq)
    {
        var payload = EventFrames.SerializePayload(@event);
        // The audience rules return a fresh array; nothing changes it afterwards, so it is shared rather than copied.
        var accounts = recipients as long[] ?? [.. recipients];
        (string, object?[]) append = ("""
            WITH e AS (INSERT INTO events (id, payload, created_at) VALUES (nextval('event_ids'), $1, $2) RETURNING id),
                 r AS (INSERT INTO event_recipients (account_id, event_id) SELECT a, e.id FROM e, unnest($3::bigint[]) AS a)
            SELECT id FROM e
            """, [payload, now, accounts]);
        var queuesPushes = pushAccounts is { Length: > 0 };

        // currval: the event id this session just drew, so the push rows need no second round trip.
        (string, object?[]) queue = ("""
            INSERT INTO push_jobs (device_id, account_id, conversation_id, seq, cursor, messages, state, due_at, updated_at)
            SELECT device_id, account_id, $2, $3, currval('event_ids'), 1, 0, $4, $4 FROM push_targets
            WHERE account_id = ANY($1) AND NOT (device_id = ANY($5))
            ON CONFLICT (device_id, conversation_id) DO UPDATE SET seq = excluded.seq, cursor = excluded.cursor,
                messages = CASE WHEN push_jobs.state >= 2 THEN 1 ELSE push_jobs.messages + 1 END,
                attempts = CASE WHEN push_jobs.state >= 2 THEN 0 ELSE push_jobs.attempts END,
                due_at = CASE push_jobs.state WHEN 2 THEN excluded.due_at WHEN 3 THEN GREATEST(push_jobs.due_at, excluded.due_at) ELSE push_jobs.due_at END,
                state = CASE WHEN push_jobs.state >= 2 THEN 0 ELSE push_jobs.state END,
                updated_at = excluded.updated_at
            """, [pushAccounts, conversationId, seq, now, connectedDevices]);
        await using var batch = Batch(queuesPushes ? [.. before, append, queue] : [.. before, append]);
        long? cursor = null;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // The statements before it return no rows (nor does the push insert); the event's id is the append's one row.
            do
            {
                if (await reader.ReadAsync())
                {
                    cursor = reader.GetInt64(0);
                }
            }
            while (await reader.NextResultAsync());
        }

        var id = cursor ?? throw new InvalidOperationException("The event insert returned no id.");
        Emitted.Add(new CommittedEvent(id, accounts, EventFrames.Frame(id, payload)) { QueuedPushes = queuesPushes && batch.BatchCommands[^1].RecordsAffected > 0 });
        return id;
    }

    /// <summary>
    /// Gives each event of the batch its recipients' previous cursors (<see cref="CommittedEvent.PreviousCursors"/>),
    /// in one round trip before the commit: each account's newest event before the batch comes from the store (one
    /// index probe per account), the rest from the batch itself. Under the append lock no other node appends meanwhile,
    /// so the chain is exact, and a connection that got events from several nodes can tell a late one from a gap.
    /// </summary>
    public async Task ChainEmittedAsync()
    {
        if (Emitted.Count == 0)
        {
            return;
        }

        var accounts = Emitted.SelectMany(e => e.Recipients).Distinct().ToArray();
        var newest = new Dictionary<long, long>(accounts.Length);
        await using (var command = Command("""
            SELECT a, COALESCE((SELECT max(r.event_id) FROM event_recipients r WHERE r.account_id = a AND r.event_id < $2), 0)
            FROM unnest($1::bigint[]) AS a
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = accounts });
            command.Parameters.Add(new NpgsqlParameter { Value = Emitted[0].Cursor });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                newest[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        for (var i = 0; i < Emitted.Count; i++)
        {
            var committed = Emitted[i];
            var previous = new long[committed.Recipients.Length];
            for (var j = 0; j < previous.Length; j++)
            {
                var accountId = committed.Recipients[j];
                previous[j] = newest.GetValueOrDefault(accountId);
                newest[accountId] = committed.Cursor;
            }

            Emitted[i] = committed with { PreviousCursors = previous };
        }
    }
}
