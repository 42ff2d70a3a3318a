using Roost.Core.Messaging;

namespace Roost.Core.Tests.Messaging;

public sealed class RepeatedSendTests
{
    private static readonly DateTimeOffset SentAt = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static NewMessage Repeat(long conversationId, string body, long? replyTo = null) =>
        new(conversationId, SenderId: 7, "c-1", body, replyTo, SentAt.AddMinutes(1));

    [Fact]
    public void The_same_message_again_is_answered_with_the_first_ack_marked_duplicate()
    {
        var answer = MessageRules.AnswerRepeatedSend(new FirstSend(1, 5, SentAt, "hi", null, Changed: false), Repeat(1, "hi"));

        Assert.True(answer.IsSuccess);
        Assert.Equal(new SendResult(1, 5, "c-1", SentAt, Duplicate: true), answer.Value);
    }

    [Theory]
    [InlineData("another body", null)]
    [InlineData("hi", 3L)]
    public void The_id_naming_a_different_message_is_a_conflict(string body, long? replyTo)
    {
        var answer = MessageRules.AnswerRepeatedSend(new FirstSend(1, 5, SentAt, "hi", null, Changed: false), Repeat(1, body, replyTo));

        Assert.Equal(MessagingErrorCodes.ClientIdConflict, answer.Error!.Code);
    }

    [Fact]
    public void The_id_from_another_conversation_is_reused()
    {
        var answer = MessageRules.AnswerRepeatedSend(new FirstSend(2, 5, SentAt, "hi", null, Changed: false), Repeat(1, "hi"));

        Assert.Equal(MessagingErrorCodes.ClientIdReused, answer.Error!.Code);
    }

    [Fact]
    public void After_an_edit_or_delete_the_original_is_unknown_and_a_repeat_counts_as_the_retry()
    {
        var answer = MessageRules.AnswerRepeatedSend(new FirstSend(1, 5, SentAt, null, null, Changed: true), Repeat(1, "hi"));

        Assert.True(answer.Value.Duplicate);
    }
}
