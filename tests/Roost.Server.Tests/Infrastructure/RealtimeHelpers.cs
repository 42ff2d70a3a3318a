using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>Intent-named, bounded steps for real-time tests.</summary>
public static class RealtimeHelpers
{
    /// <summary>Connects and syncs from the head, so the connection then carries live events only.</summary>
    public static async Task<RoostConnection> ConnectLiveAsync(this RoostClient client)
    {
        var connection = await client.ConnectAsync().DefaultTimeout();
        await connection.SyncAsync(null).DefaultTimeout();
        await connection.ReadUntilAsync(f => f.Type == ServerFrameTypes.Synced);
        return connection;
    }

    /// <summary>Reads frames until one matches; every await bounded.</summary>
    public static async Task<ServerFrame> ReadUntilAsync(this RoostConnection connection, Func<ServerFrame, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (true)
        {
            var frame = await connection.ReadAsync(timeout.Token) ?? throw new InvalidOperationException(
                $"The connection closed ({connection.CloseStatus} {connection.CloseDescription}) before the expected frame came.");
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>The next event of type <typeparamref name="T"/> (other frames are skipped).</summary>
    public static async Task<T> NextEventAsync<T>(this RoostConnection connection, Func<T, bool>? match = null)
        where T : RoostEvent
    {
        var frame = await connection.ReadUntilAsync(f => f.Event is T typed && (match?.Invoke(typed) ?? true));
        return (T)frame.Event!;
    }

    /// <summary>Reads <paramref name="count"/> message.created events, in the order they arrive.</summary>
    public static async Task<List<(long Cursor, MessageCreatedEvent Event)>> ReadMessagesAsync(this RoostConnection connection, int count)
    {
        var messages = new List<(long, MessageCreatedEvent)>(count);
        while (messages.Count < count)
        {
            var frame = await connection.ReadUntilAsync(f => f.Event is MessageCreatedEvent);
            messages.Add((frame.Cursor!.Value, (MessageCreatedEvent)frame.Event!));
        }

        return messages;
    }

    /// <summary>Reads every frame that arrives before a ping's pong: a barrier proving nothing else was queued.</summary>
    public static async Task<List<ServerFrame>> DrainAsync(this RoostConnection connection)
    {
        var pong = connection.PingAsync();
        var frames = new List<ServerFrame>();
        await pong.DefaultTimeout();
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (connection.Frames.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
