using Roost.Core.Conversations;

namespace Roost.Core.Tests.Conversations;

public sealed class ConversationRulesTests
{
    private static readonly Member Owner = Member(1, MemberRoles.Owner);
    private static readonly Member Admin = Member(2, MemberRoles.Admin);
    private static readonly Member Plain = Member(3, MemberRoles.Member);
    private static readonly Member OtherAdmin = Member(4, MemberRoles.Admin);

    [Fact]
    public void The_owner_removes_anyone_and_an_admin_only_plain_members()
    {
        Assert.Null(ConversationRules.CanRemove(Owner, Admin, 4));
        Assert.Null(ConversationRules.CanRemove(Owner, Plain, 4));
        Assert.Null(ConversationRules.CanRemove(Admin, Plain, 4));
        Assert.NotNull(ConversationRules.CanRemove(Admin, OtherAdmin, 4));
        Assert.NotNull(ConversationRules.CanRemove(Admin, Owner, 4));
        Assert.NotNull(ConversationRules.CanRemove(Plain, Admin, 4));
    }

    [Fact]
    public void Anyone_may_leave_but_an_owner_with_company_must_transfer_first()
    {
        Assert.Null(ConversationRules.CanRemove(Plain, Plain, 4));
        Assert.Equal(ConversationErrorCodes.OwnerMustTransfer, ConversationRules.CanRemove(Owner, Owner, 4)!.Code);
        Assert.Null(ConversationRules.CanRemove(Owner, Owner, 1));
    }

    [Fact]
    public void Only_the_owner_changes_roles_and_never_their_own()
    {
        Assert.Null(ConversationRules.CanSetRole(Owner, Plain));
        Assert.NotNull(ConversationRules.CanSetRole(Admin, Plain));
        Assert.NotNull(ConversationRules.CanSetRole(Owner, Owner));
    }

    [Fact]
    public void Admins_and_owners_rename_and_add_members()
    {
        Assert.Null(ConversationRules.CanRename(Admin));
        Assert.Null(ConversationRules.CanManageMembers(Owner));
        Assert.NotNull(ConversationRules.CanRename(Plain));
        Assert.NotNull(ConversationRules.CanManageMembers(Plain));
    }

    [Fact]
    public void A_member_sees_only_their_window()
    {
        var rejoined = Member(5, MemberRoles.Member) with { JoinedSeq = 10, LeftSeq = 20 };

        Assert.False(rejoined.CanSee(10));
        Assert.True(rejoined.CanSee(11));
        Assert.True(rejoined.CanSee(20));
        Assert.False(rejoined.CanSee(21));
    }

    private static Member Member(long accountId, string role) =>
        new(1, accountId, "user" + accountId, "User", role, 0, null, 0, 0, DateTimeOffset.UnixEpoch);
}
