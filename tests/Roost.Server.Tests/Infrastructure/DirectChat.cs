using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>Two fresh users, Alice and Bob, signed in, with their direct conversation.</summary>
public sealed class DirectChat(RoostClient alice, RoostClient bob, ConversationResponse conversation, LoginResponse aliceLogin, LoginResponse bobLogin) : IDisposable
{
    public RoostClient Alice => alice;

    public RoostClient Bob => bob;

    public ConversationResponse Conversation => conversation;

    public LoginResponse AliceLogin => aliceLogin;

    public LoginResponse BobLogin => bobLogin;

    public void Deconstruct(out RoostClient alice, out RoostClient bob, out ConversationResponse conversation)
    {
        alice = Alice;
        bob = Bob;
        conversation = Conversation;
    }

    public void Dispose()
    {
        alice.Dispose();
        bob.Dispose();
    }
}

public static class DirectChatHelpers
{
    public static async Task<DirectChat> StartDirectChatAsync(this RoostInstance instance)
    {
        var (alice, _, aliceLogin) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await instance.RegisterAndLoginAsync();
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        return new DirectChat(alice, bob, conversation, aliceLogin, bobLogin);
    }
}
