using Roost.Core.RateLimiting;
using Roost.Core.Sessions;
using Roost.Testing;

namespace Roost.Core.Tests.Sessions;

/// <summary>The lockout's decisions over the store-backed counter, on a real embedded store.</summary>
public sealed class LoginLockoutTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private SqliteScope _scope = null!;
    private LoginLockout _lockout = null!;

    public async ValueTask InitializeAsync()
    {
        _scope = await SqliteScope.OpenAsync();
        _lockout = new LoginLockout(
            new StoreLoginAttemptCounter(_scope.Store, _scope.Time),
            new LoginLockoutLimits(new AttemptWindow(2, Window), new AttemptWindow(3, Window), new AttemptWindow(1, Window)));
    }

    public async ValueTask DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task The_strict_limit_is_per_network_and_the_ceiling_spans_networks()
    {
        Assert.Equal(LoginAdmissionKind.Open, await KindAsync("alice", "10.0.0.1"));
        Assert.Equal(LoginAdmissionKind.Open, await KindAsync("alice", "10.0.0.1"));
        Assert.Equal(LoginAdmissionKind.Refused, await KindAsync("alice", "10.0.0.1"));

        Assert.Equal(LoginAdmissionKind.Open, await KindAsync("alice", "10.0.0.2"));
        Assert.Equal(LoginAdmissionKind.SecondFactorOnly, await KindAsync("alice", "10.0.0.3"));
        Assert.Equal(LoginAdmissionKind.Open, await KindAsync("bob", "10.0.0.1"));
    }

    [Fact]
    public async Task A_device_key_passes_until_its_own_limit_then_counts_as_none()
    {
        for (var i = 0; i < 2; i++)
        {
            await KindAsync("alice", "10.0.0.1");
        }

        Assert.Equal(LoginAdmissionKind.KnownDevice, await KindAsync("alice", "10.0.0.1", "key-1"));
        Assert.Equal(LoginAdmissionKind.Refused, await KindAsync("alice", "10.0.0.1", "key-1"));
    }

    [Fact]
    public async Task Windows_end_and_the_wait_says_when()
    {
        await KindAsync("alice", "10.0.0.1");
        _scope.Time.Advance(TimeSpan.FromMinutes(5));
        await KindAsync("alice", "10.0.0.1");

        var refused = await _lockout.AdmitAsync("alice", "10.0.0.1", null, CancellationToken.None).DefaultTimeout();
        Assert.Equal(TimeSpan.FromMinutes(10), refused.RetryAfter);

        _scope.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(LoginAdmissionKind.Open, await KindAsync("alice", "10.0.0.1"));
    }

    private async Task<LoginAdmissionKind> KindAsync(string username, string network, string? deviceKeyId = null) =>
        (await _lockout.AdmitAsync(username, network, deviceKeyId, CancellationToken.None).DefaultTimeout()).Kind;
}
