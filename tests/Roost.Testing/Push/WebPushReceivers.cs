namespace Roost.Testing.Push;

/// <summary>Two push services on two origins: two partitions, so a test can fail one and watch the other keep going.</summary>
public sealed class WebPushReceivers : IAsyncDisposable
{
    private WebPushReceivers(WebPushReceiver first, WebPushReceiver second)
    {
        First = first;
        Second = second;
    }

    public WebPushReceiver First { get; }

    public WebPushReceiver Second { get; }

    public static async Task<WebPushReceivers> StartAsync(TimeProvider? time = null)
    {
        var first = await WebPushReceiver.StartAsync(time);
        try
        {
            return new WebPushReceivers(first, await WebPushReceiver.StartAsync(time));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
