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
    public async Task<long> EmitAsync(RoostEvent @event, IReadOnlyCollection<long> recipients, DateTimeOffset now, params (string Sql, object?[] Parameters)[] before)
    {
        var payload = EventFrames.SerializePayload(@event);
        // The audience rules return a fresh array; nothing changes it afterwards, so it is shared rather than copied.
        var accounts = recipients as long[] ?? [.. recipients];
        (string, object?[]) append = ("""
            WITH e AS (INSERT INTO events (id, payload, created_at) VALUES (nextval('event_ids'), $1, $2) RETURNING id),
                 r AS (INSERT INTO event_recipients (account_id, event_id) SELECT a, e.id FROM e, unnest($3::bigint[]) AS a)
            SELECT id FROM e
            """, [payload, now, accounts]);
        await using var batch = Batch([.. before, append]);
        long? cursor = null;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // The statements before it return no rows; the event's id is the one row of the last.
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
        Emitted.Add(new CommittedEvent(id, accounts, EventFrames.Frame(id, payload)));
        return id;
    }
}
