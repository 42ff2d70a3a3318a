using System.Security.Cryptography;
using Roost.Core.Push;
using Roost.Push.Apns;
using Roost.Push.Http;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class ApnsProviderTokenTests
{
    [Fact]
    public async Task The_provider_token_is_reused_and_renewed_only_after_40_minutes()
    {
        await using var apns = await ApnsHarness.StartAsync();

        await apns.SendAsync(ApnsHarness.Delivery());
        await apns.SendAsync(ApnsHarness.Delivery());
        apns.Time.Advance(TimeSpan.FromMinutes(39));
        await apns.SendAsync(ApnsHarness.Delivery());
        apns.Time.Advance(TimeSpan.FromMinutes(2));
        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        // The receiver refuses a connection's token changing within 20 minutes, so all four going through shows the rule holds.
        Assert.Equal(PushOutcome.Accepted, outcome);
        var tokens = apns.Production.Received.Select(received => received.ProviderToken).ToList();
        Assert.Equal(4, tokens.Count);
        Assert.Equal(tokens[0], tokens[1]);
        Assert.Equal(tokens[0], tokens[2]);
        Assert.NotEqual(tokens[0], tokens[3]);
    }

    [Fact]
    public async Task ExpiredProviderToken_on_a_token_younger_than_20_minutes_keeps_it_and_fails_the_partition()
    {
        await using var apns = await ApnsHarness.StartAsync();
        await apns.SendAsync(ApnsHarness.Delivery());
        apns.Time.Advance(TimeSpan.FromMinutes(19));
        apns.Production.RespondNext(null, 403, "ExpiredProviderToken");

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("ExpiredProviderToken"), outcome);
        Assert.Equal(2, apns.Production.Attempts.Count); // no resend
        await apns.SendAsync(ApnsHarness.Delivery());
        Assert.Single(apns.Production.Attempts.Select(attempt => attempt.ProviderToken).Distinct());
    }

    [Fact]
    public async Task ExpiredProviderToken_after_20_minutes_renews_the_token_once_and_the_push_goes_through()
    {
        await using var apns = await ApnsHarness.StartAsync();
        await apns.SendAsync(ApnsHarness.Delivery());
        apns.Time.Advance(TimeSpan.FromMinutes(25));
        apns.Production.RespondNext(null, 403, "ExpiredProviderToken");

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.Accepted, outcome);
        var attempts = apns.Production.Attempts;
        Assert.Equal([200, 403, 200], attempts.Select(attempt => attempt.Status));
        Assert.Equal(attempts[0].ProviderToken, attempts[1].ProviderToken);
        Assert.NotEqual(attempts[1].ProviderToken, attempts[2].ProviderToken);
    }

    [Fact]
    public async Task ExpiredProviderToken_again_after_the_renewal_fails_the_partition_without_a_third_request()
    {
        await using var apns = await ApnsHarness.StartAsync();
        await apns.SendAsync(ApnsHarness.Delivery());
        apns.Time.Advance(TimeSpan.FromMinutes(30));
        apns.Production.RespondNext(null, 403, "ExpiredProviderToken");
        apns.Production.RespondNext(null, 403, "ExpiredProviderToken");

        var outcome = await apns.SendAsync(ApnsHarness.Delivery());

        Assert.Equal(PushOutcome.PartitionFailed("ExpiredProviderToken"), outcome);
        Assert.Equal(3, apns.Production.Attempts.Count);
    }

    [Fact]
    public async Task A_token_older_than_an_hour_by_the_receivers_clock_is_refused_as_expired()
    {
        // The sender never sends one (it renews at 40 minutes); this checks the receiver's own rule.
        await using var apns = await ApnsHarness.StartAsync();
        using var tokens = new ApnsTokenSource(ApnsHarness.TeamId, ApnsHarness.KeyId, apns.PrivateKeyPem, new ManualTimeProvider(apns.Time.GetUtcNow() - TimeSpan.FromMinutes(61)));
        using var root = PushTls.LoadRoot(TestCertificates.Shared.AuthorityPem);
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = PushTls.ClientOptions(root) });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apns.Production.Url, "/3/device/" + ApnsHarness.DeviceToken))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(ApnsHarness.Payload),
        };
        request.Headers.TryAddWithoutValidation("authorization", "bearer " + tokens.GetToken());
        request.Headers.Add("apns-topic", ApnsHarness.Topic);

        using var response = await client.SendAsync(request).DefaultTimeout();

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("""{"reason":"ExpiredProviderToken"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Invalidating_a_token_already_replaced_mints_no_other()
    {
        var time = new ManualTimeProvider();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var tokens = new ApnsTokenSource(ApnsHarness.TeamId, ApnsHarness.KeyId, key.ExportPkcs8PrivateKeyPem(), time);
        var first = tokens.GetToken();
        time.Advance(TimeSpan.FromMinutes(21));

        Assert.True(tokens.Invalidate(first));
        var second = tokens.GetToken();
        Assert.NotEqual(first, second);

        // A second caller refused with the first token resends with the second; no third is minted.
        Assert.True(tokens.Invalidate(first));
        Assert.Equal(second, tokens.GetToken());
        Assert.False(tokens.Invalidate(second));
    }
}
