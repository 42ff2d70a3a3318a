using System.Text.Json;
using Roost.Cli;
using Roost.Cli.Commands;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Cli.Tests;

public sealed class CliTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("00:00:05", 5)]
    public void Durations_are_read_as_people_write_them(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CommonOptions.ParseDuration(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("")]
    [InlineData("1e400s")]
    public void Bad_durations_are_refused(string text) => Assert.Throws<FormatException>(() => CommonOptions.ParseDuration(text));

    [Fact]
    public void Bench_runs_must_be_bounded_and_sensible()
    {
        Assert.Null(BenchCommand.Validate(10, 4, 0, null, 0, 64, TimeSpan.FromSeconds(10)));
        Assert.NotNull(BenchCommand.Validate(1, 4, 0, null, 0, 64, TimeSpan.FromSeconds(10)));
        Assert.NotNull(BenchCommand.Validate(10, 0, 0, null, 0, 64, TimeSpan.FromSeconds(10)));
        Assert.NotNull(BenchCommand.Validate(10, null, -1, null, 0, 64, TimeSpan.FromSeconds(10)));
        Assert.NotNull(BenchCommand.Validate(10, 4, 0, null, 0, 64, TimeSpan.FromHours(2)));
        Assert.NotNull(BenchCommand.Validate(10, 4, 0, null, 0, 8, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Unknown_commands_and_bad_arguments_fail_with_a_message()
    {
        var (unknown, _, unknownError) = await RunAsync("teleport");
        var (badUrl, _, badUrlError) = await RunAsync("bench", "online", "--url", "ftp://nowhere");
        var (badNumber, _, _) = await RunAsync("bench", "online", "--users", "many");

        Assert.NotEqual(0, unknown);
        Assert.Contains("teleport", unknownError, StringComparison.Ordinal);
        Assert.NotEqual(0, badUrl);
        Assert.Contains("not an http:// or https:// URL", badUrlError, StringComparison.Ordinal);
        Assert.NotEqual(0, badNumber);
    }

    [Fact]
    public async Task Out_of_range_workload_options_fail_with_a_message_not_a_crash()
    {
        await using var instance = await RoostInstance.StartAsync();
        var url = instance.BaseAddress.ToString();

        var (group, groupOutput, _) = await RunAsync("bench", "group", "--url", url, "-n", "4", "-g", "0");
        var (idle, idleOutput, _) = await RunAsync("bench", "idle", "--url", url, "-n", "4", "-c", "50000");
        var (duration, _, durationError) = await RunAsync("bench", "online", "--url", url, "-d", "1e400s");

        Assert.Equal(2, group);
        Assert.Contains("--group-size must be at least 2", groupOutput, StringComparison.Ordinal);
        Assert.Equal(2, idle);
        Assert.Contains("--connections is 1 to 19,500", idleOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, duration);
        Assert.Contains("longer than any run", durationError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_hides_passwords_inside_urls()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "url.json");
        await File.WriteAllTextAsync(file, """{ "Roost": { "Sms": { "Provider": "Twilio", "Twilio": { "AccountSid": "AC1", "AuthToken": "t", "FromNumber": "+15005550006", "ApiBaseUrl": "https://user:hunter2@proxy.example" } } } }""");

        var (_, output, _) = await RunAsync("config", "check", file, "-e", "Testing");

        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.Contains("https://***@proxy.example", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        var (code, output, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "config", "admin", "chat", "bench" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Config_check_accepts_a_good_file_and_redacts_secrets()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "good.json");
        await File.WriteAllTextAsync(file, """
            {
              "Roost": {
                "Server": { "Urls": "http://0.0.0.0:8080" },
                "Identity": { "EncryptionKey": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
                "Sms": { "Provider": "Twilio", "Twilio": { "AccountSid": "AC1", "AuthToken": "super-secret-token", "FromNumber": "+15005550006" } },
                "Admin": { "Token": "an-admin-token-of-some-length" }
              }
            }
            """);

        var (code, output, _) = await RunAsync("config", "check", file);

        Assert.Equal(0, code);
        Assert.Contains("Roost:Server:Urls", output, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:8080", output, StringComparison.Ordinal);
        Assert.Contains("is valid for Production", output, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("an-admin-token-of-some-length", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAAAAAAAAAAAAAAAAAA", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_names_every_bad_setting_and_exits_2()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "bad.json");
        await File.WriteAllTextAsync(file, """{ "Roost": { "Storage": { "Synchronous": "sometimes", "Typo": 1 } } }""");

        var (code, output, _) = await RunAsync("config", "check", file, "--environment", "Testing");

        Assert.Equal(2, code);
        Assert.Contains("Roost:Storage:Typo is not a known setting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_refuses_development_settings_for_production()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "dev.json");
        await File.WriteAllTextAsync(file, """{ "Roost": { } }""");

        var (code, output, _) = await RunAsync("config", "check", file);

        Assert.Equal(2, code);
        Assert.Contains("Roost:Identity:EncryptionKey is required", output, StringComparison.Ordinal);
        Assert.Contains("Roost:Sms:Provider is Development", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_of_a_missing_or_malformed_file_exits_2()
    {
        using var directory = new TempDirectory();
        var broken = Path.Combine(directory.Path, "broken.json");
        await File.WriteAllTextAsync(broken, "{ not json");

        var (missing, missingOutput, _) = await RunAsync("config", "check", Path.Combine(directory.Path, "nope.json"));
        var (malformed, malformedOutput, _) = await RunAsync("config", "check", broken);

        Assert.Equal(2, missing);
        Assert.Contains("No such file", missingOutput, StringComparison.Ordinal);
        Assert.Equal(2, malformed);
        Assert.Contains("not valid JSON", malformedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_online_bench_against_an_in_process_instance_loses_and_duplicates_nothing()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var directory = new TempDirectory();
        var report = Path.Combine(directory.Path, "report.json");

        var (code, output, _) = await RunAsync("bench", "online", "--url", instance.BaseAddress.ToString(), "-n", "6", "-d", "30s", "-m", "300", "--json", report);

        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(300, results.GetProperty("acked").GetInt64());
        Assert.Equal(300, results.GetProperty("delivered").GetInt64());
        Assert.Equal(0, results.GetProperty("lost").GetInt64());
        Assert.Equal(0, results.GetProperty("duplicates").GetInt64());
    }

    [Fact]
    public async Task A_bench_writes_progress_to_stderr_when_asked_and_not_to_redirected_output_by_default()
    {
        await using var instance = await RoostInstance.StartAsync();
        var url = instance.BaseAddress.ToString();

        var (asked, askedOutput, askedError) = await RunAsync("bench", "online", "--url", url, "-n", "4", "-d", "30s", "-m", "100", "--progress");
        var (quiet, _, quietError) = await RunAsync("bench", "online", "--url", url, "-n", "4", "-d", "30s", "-m", "100");

        Assert.True(asked == 0, askedOutput);
        // At least the last line, written when sending and delivery are done.
        Assert.Contains("sent 100  acked 100  delivered 100", askedError, StringComparison.Ordinal);
        Assert.DoesNotContain("acked/s", askedOutput, StringComparison.Ordinal);
        Assert.Equal(0, quiet);
        Assert.DoesNotContain("acked/s", quietError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_offline_bench_drains_everything()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var directory = new TempDirectory();
        var report = Path.Combine(directory.Path, "offline.json");

        var (code, output, _) = await RunAsync("bench", "offline", "--url", instance.BaseAddress.ToString(), "-n", "5", "--senders", "2", "-d", "30s", "-m", "200", "--json", report);

        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        Assert.Equal(200, json.RootElement.GetProperty("results").GetProperty("drained").GetInt64());
    }

    [Fact]
    public async Task Admin_commands_need_the_token_and_manage_accounts()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Admin:Token"] = "admin-token-for-the-cli-tests" });
        var (user, username, _) = await instance.RegisterAndLoginAsync();
        using var _u = user;
        var url = instance.BaseAddress.ToString();

        var (noToken, noTokenOutput, _) = await RunAsync("admin", "stats", "--url", url, "--admin-token", "");
        var (wrongToken, _, _) = await RunAsync("admin", "stats", "--url", url, "--admin-token", "wrong-token-of-enough-length");
        var (stats, statsOutput, _) = await RunAsync("admin", "stats", "--url", url, "-t", "admin-token-for-the-cli-tests");
        var (disable, disableOutput, _) = await RunAsync("admin", "disable", username, "--url", url, "-t", "admin-token-for-the-cli-tests");

        Assert.Equal(2, noToken);
        Assert.Contains("admin token is required", noTokenOutput, StringComparison.Ordinal);
        Assert.Equal(1, wrongToken);
        Assert.Equal(0, stats);
        Assert.Contains("accounts", statsOutput, StringComparison.Ordinal);
        Assert.Equal(0, disable);
        Assert.Contains(username, disableOutput, StringComparison.Ordinal);
        await user.GetAccountAsync().ShouldFailAsync("unauthorized");
        await instance.LoginAsync(username).ShouldFailAsync("account_disabled");

        var (enable, _, _) = await RunAsync("admin", "enable", username, "--url", url, "-t", "admin-token-for-the-cli-tests");
        Assert.Equal(0, enable);
        await instance.LoginAsync(username).DefaultTimeout();
    }

    [Fact]
    public async Task Without_a_configured_token_the_admin_api_does_not_exist()
    {
        await using var instance = await RoostInstance.StartAsync();

        var (code, output, _) = await RunAsync("admin", "stats", "--url", instance.BaseAddress.ToString(), "-t", "any-token-of-enough-length");

        Assert.Equal(1, code);
        Assert.Contains("404", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoostCli.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }
}
