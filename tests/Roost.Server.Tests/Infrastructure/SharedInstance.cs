namespace Roost.Server.Tests.Infrastructure;

/// <summary>One instance shared by the tests of a class; each test uses its own users, so they do not interfere.</summary>
public sealed class SharedInstance : IAsyncLifetime
{
    public RoostInstance Instance { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Instance = await RoostInstance.StartAsync();

    public ValueTask DisposeAsync() => Instance.DisposeAsync();
}
