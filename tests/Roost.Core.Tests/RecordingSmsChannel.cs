using System.Collections.Concurrent;
using Roost.Core.Identity;

namespace Roost.Core.Tests;

/// <summary>An SMS channel that keeps what it would have sent, for use-case tests (the Twilio client has its own tests).</summary>
internal sealed class RecordingSmsChannel : ISmsCodeChannel
{
    public ConcurrentQueue<(string Phone, string Code)> Sent { get; } = new();

    public bool ProviderChecksCodes => false;

    public Task SendCodeAsync(string phone, string? code, CancellationToken cancellationToken)
    {
        Sent.Enqueue((phone, code!));
        return Task.CompletedTask;
    }

    public Task<bool> CheckCodeAsync(string phone, string code, CancellationToken cancellationToken) => throw new NotSupportedException();
}
