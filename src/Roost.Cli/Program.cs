using Roost.Cli;

return await RoostCli.RunAsync(args, Console.Out, Console.Error);
