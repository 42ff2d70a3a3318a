using Roost.Core.Push;

namespace Roost.Push.Tests;

public sealed class PushPartitionTests
{
    [Fact]
    public void ApnsTopicsAreSplitByEnvironment()
    {
        var production = Target(PushPlatform.Apns, "com.example.chat", sandbox: false);
        var sandbox = production with { Sandbox = true };
        Assert.NotEqual(production.Partition, sandbox.Partition);
        Assert.Equal("apns:sandbox/com.example.chat", sandbox.Partition.ToString());
    }

    [Fact]
    public void WebPushIsSplitByOrigin() =>
        Assert.Equal("webpush:https://push.example.net", Target(PushPlatform.WebPush, "https://push.example.net", sandbox: false).Partition.ToString());

    private static PushTarget Target(PushPlatform platform, string app, bool sandbox) =>
        new(1, 2, platform, "token", app, sandbox, Voip: false, null, null, DateTimeOffset.UnixEpoch);
}
