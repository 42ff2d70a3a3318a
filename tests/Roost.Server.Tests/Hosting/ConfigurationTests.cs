using Microsoft.Extensions.Configuration;
using Roost.Server.Options;
using Roost.Storage.Sqlite;

namespace Roost.Server.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Fact]
    public void No_settings_give_the_documented_defaults()
    {
        var options = Load([]);

        Assert.Equal("http://127.0.0.1:8080", options.Server.Urls);
        Assert.Equal("./data", options.Storage.DataDirectory);
        Assert.Equal(SqliteSynchronous.Full, options.Storage.Synchronous);
        Assert.Equal(600_000, options.Accounts.PasswordHashIterations);
        Assert.Equal(64 * 1024, options.Server.MaxJsonBodyBytes);
    }

    [Fact]
    public void Settings_bind_case_insensitively_from_any_source()
    {
        var options = Load(new() { ["ROOST:STORAGE:SYNCHRONOUS"] = "normal", ["Roost:Server:ShutdownTimeout"] = "00:00:05" });

        Assert.Equal(SqliteSynchronous.Normal, options.Storage.Synchronous);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Server.ShutdownTimeout);
    }

    [Theory]
    [InlineData("Roost:Storage:Synchronus", "full", "Roost:Storage:Synchronus is not a known setting")]
    [InlineData("Roost:Storage:Synchronous", "sometimes", "Roost:Storage:Synchronous must be one of Normal, Full; got 'sometimes'")]
    [InlineData("Roost:Server:MaxJsonBodyBytes", "lots", "Roost:Server:MaxJsonBodyBytes must be a whole number; got 'lots'")]
    [InlineData("Roost:Server:MaxJsonBodyBytes", "10", "Roost:Server:MaxJsonBodyBytes must be between 1024 and 16777216; got 10")]
    [InlineData("Roost:Server:ShutdownTimeout", "soon", "Roost:Server:ShutdownTimeout must be a duration")]
    [InlineData("Roost:Server:Urls", "ftp://example", "Roost:Server:Urls has 'ftp://example'")]
    [InlineData("Roost:Accounts:PasswordHashIterations", "1000", "Roost:Accounts:PasswordHashIterations must be between 600000")]
    [InlineData("Roost:Storage:FileName", "../escape.db", "Roost:Storage:FileName must be a plain file name")]
    [InlineData("Roost:Identity:SmsCountries:Deny", "GB, Narnia", "Roost:Identity:SmsCountries:Deny: 'Narnia' is neither a region code")]
    [InlineData("Roost:Identity:SmsCountries:Allow", "+999", "Roost:Identity:SmsCountries:Allow: '+999' is neither a region code")]
    [InlineData("Roost:Identity:SmsCountries:SendsPerHourByRegion", "GB=lots", "Roost:Identity:SmsCountries:SendsPerHourByRegion: 'GB=lots' is not REGION=COUNT")]
    [InlineData("Roost:Identity:SmsCountries:SendsPerHourTotal", "-1", "Roost:Identity:SmsCountries:SendsPerHourTotal must be between 0 and 1000000; got -1")]
    [InlineData("Roost:Identity:SmsCountries:SendsPerHourByRegion", "01=5", "Roost:Identity:SmsCountries:SendsPerHourByRegion: '01=5' is not REGION=COUNT")]
    [InlineData("Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit", "0", "Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit must be between 1")]
    [InlineData("Roost:Moderation:MaxOpenReportsPerAccount", "0", "Roost:Moderation:MaxOpenReportsPerAccount must be between 1 and 10000; got 0")]
    [InlineData("Roost:Moderation:ReportsPerAccount:Window", "00:00:00", "Roost:Moderation:ReportsPerAccount:Window must be between")]
    [InlineData("Roost:Push:WebPush:Subject", "ops@example.com", "Roost:Push:WebPush:Subject is a contact for push services")]
    [InlineData("Roost:Push:WebPush:VapidPrivateKey", "__________________________________________8", "Roost:Push:WebPush:VapidPrivateKey is base64url of the 32-byte P-256 private key")]
    [InlineData("Roost:Push:MaxConcurrencyPerProvider", "0", "Roost:Push:MaxConcurrencyPerProvider must be between 1 and 10000; got 0")]
    [InlineData("Roost:Push:Apns:Topics", "com.example.chat", "Roost:Push:Apns:KeyId and Roost:Push:Apns:TeamId are Apple's 10-character ids")]
    [InlineData("Roost:Push:Fcm:ServiceAccountFile", "/nonexistent/sa.json", "Roost:Push:Fcm:ServiceAccountFile names /nonexistent/sa.json, which does not exist")]
    public void A_bad_setting_is_refused_with_a_message_naming_it(string key, string value, string expected)
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load(new() { [key] = value }));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_country_lists_and_budgets_001_is_the_non_geographic_region_not_the_calling_code_1()
    {
        var options = Load(new()
        {
            ["Roost:Identity:SmsCountries:Allow"] = "GB, 001",
            ["Roost:Identity:SmsCountries:SendsPerHourByRegion"] = "001=0",
            ["Roost:Identity:SmsCountries:SendsPerHourTotal"] = "50",
        });

        var rules = options.Identity.SmsCountries.ToRules([])!;
        Assert.Equal(["001", "GB"], rules.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(0, rules.SendsPerHourByRegion["001"]);
        Assert.Equal(50, rules.SendsPerHourTotal);
        Assert.Equal(1000, Load([]).Identity.SmsCountries.SendsPerHourTotal);
    }

    [Fact]
    public void Weak_password_hashing_is_refused_in_production_and_allowed_elsewhere()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Roost:Accounts:AllowWeakPasswordHashing"] = "true",
            ["Roost:Accounts:PasswordHashIterations"] = "1000",
        };

        var failure = Assert.Throws<RoostConfigurationException>(() => Load(settings, "Production"));
        Assert.Contains("AllowWeakPasswordHashing must be false in the Production environment", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1000, Load(settings, "Testing").Accounts.PasswordHashIterations);
    }

    [Fact]
    public void A_cluster_needs_postgresql_a_broker_uri_a_shared_key_and_a_workable_heartbeat()
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load(new()
        {
            ["Roost:Cluster:Bus"] = "RabbitMq",
            ["Roost:Cluster:RabbitMq:Uri"] = "http://broker",
            ["Roost:Cluster:NodeId"] = "node one",
            ["Roost:Cluster:HeartbeatInterval"] = "00:00:10",
            ["Roost:Cluster:DeadAfter"] = "00:00:15",
        }));

        Assert.Contains("Roost:Storage:Engine must be Postgres", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Identity:EncryptionKey must be set, to the same key on every node", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Cluster:RabbitMq:Uri must be an amqp:// or amqps:// URI", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Cluster:NodeId may hold", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Cluster:DeadAfter at least three times it", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Media:Store must be S3", failure.Message, StringComparison.Ordinal);

        var cluster = Load(new()
        {
            ["Roost:Storage:Engine"] = "postgres",
            ["Roost:Storage:Postgres:ConnectionString"] = "Host=db;Database=roost;Username=roost",
            ["Roost:Cluster:Bus"] = "RabbitMq",
            ["Roost:Cluster:RabbitMq:Uri"] = "amqps://roost:secret@mq.internal:5671/roost",
            ["Roost:Identity:EncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Roost:Media:Store"] = "S3",
            ["Roost:Media:S3:ServiceUrl"] = "https://s3.internal",
            ["Roost:Media:S3:Bucket"] = "roost",
            ["Roost:Media:S3:AccessKey"] = "key",
            ["Roost:Media:S3:SecretKey"] = "secret",
        });
        Assert.Equal((ClusterBus.RabbitMq, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)), (cluster.Cluster.Bus, cluster.Cluster.HeartbeatInterval, cluster.Cluster.DeadAfter));
    }

    [Fact]
    public void Media_delivery_shortcuts_fit_their_store()
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load(new()
        {
            ["Roost:Media:AccelRedirectPrefix"] = "_roost_media",
            ["Roost:Media:RedirectToStore"] = "true",
            ["Roost:Media:LinkLifetime"] = "30.00:00:00",
        }));

        Assert.Contains("Roost:Media:AccelRedirectPrefix is for the local store behind nginx", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Media:RedirectToStore needs Roost:Media:Store=S3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Media:LinkLifetime must be between a minute and 7 days", failure.Message, StringComparison.Ordinal);

        var behindNginx = Load(new() { ["Roost:Media:AccelRedirectPrefix"] = "/_roost_media/" });
        Assert.Equal("/_roost_media/", behindNginx.Media.AccelRedirectPrefix);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load(new()
        {
            ["Roost:Storage:MaxWriteBatch"] = "0",
            ["Roost:RateLimits:LoginPerIp:PermitLimit"] = "0",
        }));

        Assert.Equal(2, failure.Problems.Count);
    }

    [Fact]
    public void Production_needs_an_encryption_key_and_a_real_sms_provider()
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load([], "Production"));

        Assert.Contains("Roost:Identity:EncryptionKey is required in the Production environment", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Roost:Sms:Provider is Development", failure.Message, StringComparison.Ordinal);
        var production = Load(
            new()
            {
                ["Roost:Identity:EncryptionKey"] = Convert.ToBase64String(new byte[32]),
                ["Roost:Sms:Provider"] = "Twilio",
                ["Roost:Sms:Twilio:AccountSid"] = "AC123",
                ["Roost:Sms:Twilio:AuthToken"] = "secret",
                ["Roost:Sms:Twilio:FromNumber"] = "+15005550006",
            },
            "Production");
        Assert.Equal(SmsProvider.Twilio, production.Sms.Provider);
        Assert.Equal(SmsProvider.Development, Load(new() { ["Roost:Identity:EncryptionKey"] = Convert.ToBase64String(new byte[32]), ["Roost:Sms:AllowDevelopmentProviderInProduction"] = "true" }, "Production").Sms.Provider);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void An_encryption_key_that_is_not_32_bytes_of_base64_is_refused(string key)
    {
        var failure = Assert.Throws<RoostConfigurationException>(() => Load(new() { ["Roost:Identity:EncryptionKey"] = key }));

        Assert.Contains("Roost:Identity:EncryptionKey must be base64 of exactly 32 bytes", failure.Message, StringComparison.Ordinal);
    }

    private static RoostOptions Load(Dictionary<string, string?> settings, string environment = "Testing") =>
        RoostOptionsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), environment);
}
