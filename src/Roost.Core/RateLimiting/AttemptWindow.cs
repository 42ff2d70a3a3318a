namespace Roost.Core.RateLimiting;

/// <summary>At most <paramref name="PermitLimit"/> attempts per fixed <paramref name="Window"/>.</summary>
public sealed record AttemptWindow(int PermitLimit, TimeSpan Window);
