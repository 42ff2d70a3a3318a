using Npgsql;
using NpgsqlTypes;
using Roost.Core.Delivery;
using Roost.Protocol.Events;

namespace Roost.Storage.Postgres;

/// <summary>What a write operation sees: the writer's connection inside the current batch transaction, which holds the append lock.</summary>
internal sealed class PostgresWriteContext(NpgsqlConnection connection, NpgsqlTransaction transaction) : PostgresSession(connection, transaction)
{
    /// <summary>Events written by this batch so far, in cursor order; published after the commit.</summary>
    public List<CommittedEvent> Emitted { get; } = [];

    /// <summary>
    /// Appends an event to the stream of every recipient in one round trip. The payload is serialized once. The id is
    /// taken from the sequence while this transaction holds the append lock, so ids become visible in increasing order.
    /// </summary>
    public async Task<long> EmitAsync(RoostEvent @event, IReadOnlyCollection<long> recipients, DateTimeOffset now)
    {
        var payload = EventFrames.SerializePayload(@event);
        long[] accounts = [.. recipients];
        await using var command = Command("""
            WITH e AS (INSERT INTO events (id, payload, created_at) VALUES (nextval('event_ids'), @payload, @createdAt) RETURNING id),
                 r AS (INSERT INTO event_recipients (account_id, event_id) SELECT a, e.id FROM e, unnest(@accounts) AS a)
            SELECT id FROM e
            """);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Bytea, payload);
        command.Parameters.AddWithValue("createdAt", now);
        command.Parameters.AddWithValue("accounts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, accounts);
        var cursor = (long)(await command.ExecuteScalarAsync())!;
        Emitted.Add(new CommittedEvent(cursor, accounts, EventFrames.Frame(cursor, payload)));
        return cursor;
    }
}
