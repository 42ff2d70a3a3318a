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

    /// <summary>
    /// Queues, in this transaction, a push for every device of <paramref name="accounts"/> that has a target and is not
    /// connected to this node (<paramref name="connected"/>: its socket brings the message): one job
    /// per device and conversation, so a later message raises the pending job's seq and cursor instead of adding one,
    /// waits for the end of the coalescing window after a push (a quiet job), and revives a dead letter. Marks the last emitted event, so the dispatcher is woken after the commit.
    /// </summary>
    public void QueuePushes(long[] accounts, long conversationId, long seq, long cursor, DateTimeOffset now, Roost.Core.Push.IConnectedDevices? connected)
    {
        if (accounts.Length == 0)
        {
            return;
        }

        var queue = Command("""
            INSERT INTO push_jobs (device_id, account_id, conversation_id, seq, cursor, messages, state, due_at, updated_at)
            SELECT device_id, account_id, $conversation, $seq, $cursor, 1, 0, $now, $now FROM push_targets
            WHERE account_id = $account AND instr($connected, ',' || device_id || ',') = 0
            ON CONFLICT (device_id, conversation_id) DO UPDATE SET seq = excluded.seq, cursor = excluded.cursor,
                messages = CASE WHEN push_jobs.state >= 2 THEN 1 ELSE push_jobs.messages + 1 END,
                attempts = CASE WHEN push_jobs.state >= 2 THEN 0 ELSE push_jobs.attempts END,
                due_at = CASE push_jobs.state WHEN 2 THEN excluded.due_at WHEN 3 THEN MAX(push_jobs.due_at, excluded.due_at) ELSE push_jobs.due_at END,
                state = CASE WHEN push_jobs.state >= 2 THEN 0 ELSE push_jobs.state END,
                updated_at = excluded.updated_at
            """);
        var account = queue.Parameters.Add("$account", SqliteType.Integer);
        var connectedHere = queue.Parameters.Add("$connected", SqliteType.Text);
        queue.Parameters.AddWithValue("$conversation", conversationId);
        queue.Parameters.AddWithValue("$seq", seq);
        queue.Parameters.AddWithValue("$cursor", cursor);
        queue.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
        var queued = 0;
        foreach (var accountId in accounts)
        {
            account.Value = accountId;
            connectedHere.Value = connected?.DevicesConnectedHere(accountId) is { Length: > 0 } devices ? "," + string.Join(",", devices) + "," : "";
            queued += queue.ExecuteNonQuery();
        }

        if (queued > 0 && _emitted.Count > 0)
        {
            _emitted[^1] = _emitted[^1] with { QueuedPushes = true };
        }
    }

    public void Dispose() => _commands.Dispose();
}
