using Microsoft.Data.Sqlite;
using Roost.Core.Delivery;
using Roost.Protocol.Events;

namespace Roost.Storage.Sqlite;

/// <summary>
/// What a write operation sees: the writer's connection inside the current batch transaction.
/// Its commands stay prepared across batches.
/// </summary>
internal sealed class SqliteWriteContext(SqliteConnection connection) : ISqliteSession, IDisposable
{
    private readonly PreparedCommands _commands = new(connection);
    private readonly List<CommittedEvent> _emitted = [];

    /// <summary>Events written by this batch so far, in cursor order; published after the commit.</summary>
    public List<CommittedEvent> Emitted => _emitted;

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>A prepared command for <paramref name="sql"/>, bound to the batch transaction, with no parameters set.</summary>
    public SqliteCommand Command(string sql) => _commands.Get(sql, Transaction);

    public void Execute(string sql) => Command(sql).ExecuteNonQuery();

    /// <summary>
    /// Appends an event to the stream of every recipient. The payload is serialized once; its cursor is the row id,
    /// so cursors increase in commit order. The event is published only if the batch commits.
    /// </summary>
    public long Emit(RoostEvent @event, IReadOnlyCollection<long> recipients, DateTimeOffset now)
    {
        var payload = EventFrames.SerializePayload(@event);
        var insert = Command("INSERT INTO events (payload, created_at) VALUES ($payload, $createdAt) RETURNING id");
        insert.Parameters.AddWithValue("$payload", payload);
        insert.Parameters.AddWithValue("$createdAt", SqliteTime.ToColumn(now));
        var cursor = (long)insert.ExecuteScalar()!;

        var recipient = Command("INSERT INTO event_recipients (account_id, event_id) VALUES ($account, $event)");
        var account = recipient.Parameters.Add("$account", SqliteType.Integer);
        recipient.Parameters.AddWithValue("$event", cursor);
        foreach (var accountId in recipients)
        {
            account.Value = accountId;
            recipient.ExecuteNonQuery();
        }

        // The audience rules return a fresh array; nothing changes it afterwards, so it is shared rather than copied.
        _emitted.Add(new CommittedEvent(cursor, recipients as long[] ?? [.. recipients], EventFrames.Frame(cursor, payload)));
        return cursor;
    }

    public void Dispose() => _commands.Dispose();
}
