namespace Roost.Core.Identity;

/// <summary>Who holds a phone number and when a TOTP secret or step may be written, decided from rows loaded in the write.</summary>
public static class FactorRules
{
    /// <summary>
    /// A verified number (and a username) belongs to one account at a time: the account may take it unless another
    /// holds it.
    /// </summary>
    public static bool MayTake(long? holderId, long accountId) => holderId is null || holderId == accountId;

    /// <summary>A pending secret may replace a pending one; a confirmed one stays until two-factor is turned off.</summary>
    public static bool MayReplaceTotp(bool confirmed) => !confirmed;

    /// <summary>Each TOTP code works once: a step is accepted only when it is later than every step used before.</summary>
    public static bool IsUnusedStep(long lastUsedStep, long timeStep) => timeStep > lastUsedStep;
}
