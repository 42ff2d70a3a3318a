namespace Roost.Server.Options;

/// <summary>The configuration cannot start a server. The message names each bad setting and what it allows.</summary>
public sealed class RoostConfigurationException : Exception
{
    public RoostConfigurationException()
    {
    }

    public RoostConfigurationException(string message)
        : base(message)
    {
    }

    public RoostConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RoostConfigurationException(IReadOnlyList<string> problems)
        : base("The configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; } = [];
}
