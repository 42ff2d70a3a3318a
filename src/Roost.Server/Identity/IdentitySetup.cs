using Roost.Core.Identity;
using Roost.Core.Sessions;
using Roost.Server.Options;
using Roost.Server.Sms;

namespace Roost.Server.Identity;

public static class IdentitySetup
{
    /// <summary>Phone verification, one-time codes, two-factor authentication and the SMS provider chosen by configuration.</summary>
    public static IServiceCollection AddRoostIdentity(this IServiceCollection services, RoostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identity = options.Identity;
        services.AddSingleton(new IdentityLimits
        {
            CodeLifetime = identity.CodeLifetime,
            CodeMaxAttempts = identity.CodeMaxAttempts,
            SendsPerNumber = new SendThrottle(identity.SendsPerNumber.PermitLimit, identity.SendsPerNumber.Window, identity.SendsPerNumber.Backoff),
            SendsPerIp = new SendThrottle(identity.SendsPerIp.PermitLimit, identity.SendsPerIp.Window, identity.SendsPerIp.Backoff),
            ChallengeLifetime = identity.ChallengeLifetime,
            ChallengeMaxAttempts = identity.ChallengeMaxAttempts,
            TotpIssuer = identity.TotpIssuer,
        });
        // Validated at start (RoostOptionsValidator), so the rules are there.
        services.AddSingleton(new SmsNumberPolicy(identity.SmsCountries.ToRules([]) ?? SmsCountryRules.Everywhere));
        services.AddSingleton(provider => IdentityKeys.CreateProtector(options, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Roost.Server.Identity")));
        services.AddSingleton(provider => new DeviceKeys(provider.GetRequiredService<SecretProtector>().DeviceKeyKey));
        services.AddSingleton<DeviceIssuer>();
        services.AddSingleton<OneTimeCodeService>();
        services.AddSingleton<TwoFactorService>();
        services.AddSingleton<PhoneAuthService>();

        if (options.Sms.Provider == SmsProvider.Twilio)
        {
            services.AddSingleton(options.Sms.Twilio);
            services.AddSingleton(provider => new TwilioClient(
                new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
                options.Sms.Twilio,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<TwilioClient>>()));
            services.AddSingleton<ISmsCodeChannel, TwilioSmsChannel>();
        }
        else
        {
            services.AddSingleton<ISmsCodeChannel, DevelopmentSmsChannel>();
        }

        return services;
    }
}
