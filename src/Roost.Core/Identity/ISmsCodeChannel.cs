namespace Roost.Core.Identity;

/// <summary>
/// Where one-time codes go by SMS. Most providers carry a text the server wrote (<see cref="SendCodeAsync"/>); some
/// make and check the code themselves (Twilio Verify: <see cref="ProviderChecksCodes"/>). Either way, expiry and
/// attempt limits are enforced by Roost.
/// </summary>
public interface ISmsCodeChannel
{
    bool ProviderChecksCodes { get; }

    /// <summary>Sends <paramref name="code"/> (null when the provider makes its own). Throws <see cref="SmsDeliveryException"/>.</summary>
    Task SendCodeAsync(string phone, string? code, CancellationToken cancellationToken);

    /// <summary>Asks the provider whether the code is right. Only when <see cref="ProviderChecksCodes"/>.</summary>
    Task<bool> CheckCodeAsync(string phone, string code, CancellationToken cancellationToken);
}

/// <summary>The SMS provider did not take the message. <see cref="IsClientError"/>: the number itself was refused.</summary>
public sealed class SmsDeliveryException : Exception
{
    public SmsDeliveryException()
    {
    }

    public SmsDeliveryException(string message)
        : base(message)
    {
    }

    public SmsDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SmsDeliveryException(string message, bool isClientError, Exception? innerException = null)
        : base(message, innerException)
    {
        IsClientError = isClientError;
    }

    public bool IsClientError { get; }

    /// <summary>
    /// True only when the provider certainly took (and bills) no message: every attempt was refused with a 4xx, the
    /// circuit was open so nothing was sent, or no connection could be made. False when any attempt may have reached
    /// it (a timeout, a 5xx, a connection dropped mid-request): each retry is a new request it may have accepted.
    /// </summary>
    public bool NothingSent { get; init; }
}
