using Roost.Cli.Commands;
using Roost.Protocol.Events;
using Roost.Protocol.Rest;

namespace Roost.Cli.Tests;

/// <summary>What <c>roost chat</c> prints, as Bob (account 2) chatting with Alice (account 1).</summary>
public sealed class ChatTranscriptTests
{
    private const long Alice = 1;
    private const long Bob = 2;
    private const long Conversation = 7;
    private static readonly DateTimeOffset At = new(2026, 1, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_message_line_prints_before_its_ack_when_the_ack_comes_first()
    {
        var transcript = Opened();

        var onAck = transcript.OnAck(Conversation, 6, "hello", At);
        var onEcho = transcript.OnMessage(Message(6, Bob, "hello"));

        Assert.Equal(["[grey]12:30 #6[/] [bold]you[/]: hello", "[grey]  ✓ sent #6[/]"], onAck);
        Assert.Empty(onEcho);
    }

    [Fact]
    public void The_message_prints_once_and_then_its_ack_when_the_event_comes_first()
    {
        var transcript = Opened();

        var onEcho = transcript.OnMessage(Message(6, Bob, "hello"));
        var onAck = transcript.OnAck(Conversation, 6, "hello", At);

        Assert.Equal(["[grey]12:30 #6[/] [bold]you[/]: hello"], onEcho);
        Assert.Equal(["[grey]  ✓ sent #6[/]"], onAck);
    }

    [Fact]
    public void A_read_mark_from_the_other_member_is_shown_under_their_name()
    {
        var transcript = Opened();
        transcript.OnAck(Conversation, 4, "are you there?", At);

        var line = transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "read", 4));

        Assert.Equal("[grey]  ✓✓ read by alice up to #4[/]", line);
    }

    [Fact]
    public void Your_own_receipts_and_marks_that_cover_none_of_your_messages_print_nothing()
    {
        var transcript = Opened();
        transcript.OnMessage(Message(3, Alice, "hi bob"));
        transcript.OnMessage(Message(4, Alice, "news"));

        // Bob's own read mark (echoed for his other devices), and Alice reading her own messages.
        Assert.Null(transcript.OnReceipt(new ReceiptEvent(Conversation, Bob, "read", 4)));
        Assert.Null(transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "read", 4)));
    }

    [Fact]
    public void A_mark_is_reported_once_and_delivered_after_read_adds_nothing()
    {
        var transcript = Opened();
        transcript.OnAck(Conversation, 5, "one", At);

        var read = transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "read", 5));
        var again = transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "read", 6));
        var delivered = transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "delivered", 6));
        transcript.OnAck(Conversation, 7, "two", At);
        var next = transcript.OnReceipt(new ReceiptEvent(Conversation, Alice, "delivered", 7));

        Assert.NotNull(read);
        Assert.Null(again);
        Assert.Null(delivered);
        Assert.Equal("[grey]  ✓ delivered by alice up to #7[/]", next);
    }

    [Fact]
    public void Events_of_another_conversation_print_nothing_and_markup_in_bodies_is_escaped()
    {
        var transcript = Opened();

        Assert.Empty(transcript.OnMessage(Message(1, Alice, "elsewhere") with { ConversationId = 99 }));
        Assert.Null(transcript.OnReceipt(new ReceiptEvent(99, Alice, "read", 1)));
        Assert.Equal(["[grey]12:30 #2[/] [bold]alice[/]: [[red]]?[[0m"], transcript.OnMessage(Message(2, Alice, "[red]\u001b[0m")));
    }

    private static ChatTranscript Opened()
    {
        var transcript = new ChatTranscript(Bob, TimeZoneInfo.Utc);
        transcript.Open(new ConversationResponse(
            Conversation, "direct", null, [Member(Alice, "alice"), Member(Bob, "bob")], 0, 0, 0, null, true, At));
        return transcript;
    }

    private static MemberResponse Member(long id, string name) => new(id, name, name, "member", At);

    private static MessageResponse Message(long seq, long sender, string body) =>
        new(Conversation, seq, sender, "c" + seq, body, null, At, null, null, []);
}
