using Roost.Core.Sessions;
using Roost.Testing;

namespace Roost.Core.Tests.Sessions;

public sealed class LoginLockoutTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ManualTimeProvider _time = new();
    private readonly LoginLockout _lockout;

    public LoginLockoutTests() =>
        _lockout = new LoginLockout(
            new InMemoryLoginAttemptCounter(_time),
            new LoginLockoutLimits(new AttemptWindow(2, Window), new AttemptWindow(3, Window), new AttemptWindow(1, Window)));

    [Fact]
    public void The_strict_limit_is_per_network_and_the_ceiling_spans_networks()
    {
        Assert.Equal(LoginAdmissionKind.Open, _lockout.Admit("alice", "10.0.0.1", null).Kind);
        Assert.Equal(LoginAdmissionKind.Open, _lockout.Admit("alice", "10.0.0.1", null).Kind);
        Assert.Equal(LoginAdmissionKind.Refused, _lockout.Admit("alice", "10.0.0.1", null).Kind);

        Assert.Equal(LoginAdmissionKind.Open, _lockout.Admit("alice", "10.0.0.2", null).Kind);
        Assert.Equal(LoginAdmissionKind.SecondFactorOnly, _lockout.Admit("alice", "10.0.0.3", null).Kind);
        Assert.Equal(LoginAdmissionKind.Open, _lockout.Admit("bob", "10.0.0.1", null).Kind);
    }

    [Fact]
    public void A_device_key_passes_until_its_own_limit_then_counts_as_none()
    {
        for (var i = 0; i < 2; i++)
        {
            _lockout.Admit("alice", "10.0.0.1", null);
        }

        Assert.Equal(LoginAdmissionKind.KnownDevice, _lockout.Admit("alice", "10.0.0.1", "key-1").Kind);
        Assert.Equal(LoginAdmissionKind.Refused, _lockout.Admit("alice", "10.0.0.1", "key-1").Kind);
    }

    [Fact]
    public void Windows_end_and_the_wait_says_when()
    {
        _lockout.Admit("alice", "10.0.0.1", null);
        _time.Advance(TimeSpan.FromMinutes(5));
        _lockout.Admit("alice", "10.0.0.1", null);

        var refused = _lockout.Admit("alice", "10.0.0.1", null);
        Assert.Equal(TimeSpan.FromMinutes(10), refused.RetryAfter);

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(LoginAdmissionKind.Open, _lockout.Admit("alice", "10.0.0.1", null).Kind);
    }
}
