using Roost.Core.Identity;

namespace Roost.Server.Sms;

/// <summary>
/// Development only: "sends" a code by writing it, and the whole number, to the log (the one place Roost logs either).
/// Refused in Production unless explicitly allowed.
/// </summary>
internal sealed partial class DevelopmentSmsChannel(ILogger<DevelopmentSmsChannel> logger) : ISmsCodeChannel
{
    public bool ProviderChecksCodes => false;

    public Task SendCodeAsync(string phone, string? code, CancellationToken cancellationToken)
    {
        Log.CodeSent(logger, phone, code ?? "");
        return Task.CompletedTask;
    }

    public Task<bool> CheckCodeAsync(string phone, string code, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The development channel does not check codes; Roost does.");

    private static partial class Log
    {
        // The whole point of this provider is to show the code: never enabled where real users sign in.
        [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "Development SMS to {Phone}: your Roost code is {Code}")]
        public static partial void CodeSent(ILogger logger, string phone, string code);
    }
}
