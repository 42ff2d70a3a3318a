using Roost.Core.Storage;
using Roost.Server;
using Roost.Server.Options;

try
{
    await using var host = RoostHost.Create(args);
    await host.RunAsync();
    return 0;
}
catch (RoostConfigurationException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 2;
}
catch (UnsafeDataDirectoryException exception)
{
    await Console.Error.WriteLineAsync("Refusing to start: " + exception.Message);
    return 4;
}
catch (StoreSchemaException exception)
{
    await Console.Error.WriteLineAsync("The store cannot be opened: " + exception.Message);
    return 3;
}
