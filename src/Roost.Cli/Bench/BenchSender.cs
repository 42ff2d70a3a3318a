using Roost.Client.Realtime;

namespace Roost.Cli.Bench;

/// <summary>One sender and the conversations it may send to; <see cref="Send"/> returns once the server acknowledged.</summary>
internal sealed record BenchSender(long[] Conversations, Func<long, string, string, CancellationToken, Task> Send)
{
    /// <summary>Sends over <paramref name="connection"/> (conversation, body, client id).</summary>
    public static BenchSender For(RoostConnection connection, long[] conversations) =>
        new(conversations, (conversation, body, clientId, token) => connection.SendMessageAsync(conversation, body, clientId, cancellationToken: token));
}

/// <summary>One send: who sends, to which conversation.</summary>
internal readonly record struct BenchTarget(BenchSender Sender, long ConversationId)
{
    /// <summary>A random conversation of <paramref name="sender"/>.</summary>
    public static BenchTarget Random(BenchSender sender) => new(sender, sender.Conversations[System.Random.Shared.Next(sender.Conversations.Length)]);

    /// <summary>A random sender's random conversation.</summary>
    public static BenchTarget Random(IReadOnlyList<BenchSender> senders) => Random(senders[System.Random.Shared.Next(senders.Count)]);
}
