using System.Text;
using System.Text.Json;
using Roost.Core.Push;

namespace Roost.Core.Tests.Push;

public sealed class PushPayloadsTests
{
    [Fact]
    public void By_default_a_push_carries_ids_and_counts_and_no_text()
    {
        foreach (var platform in Enum.GetValues<PushPlatform>())
        {
            var json = Encoding.UTF8.GetString(PushPayloads.Build(Job(platform, preview: null)));
            Assert.DoesNotContain("secret", json, StringComparison.Ordinal);
            Assert.Contains("42", json, StringComparison.Ordinal);
        }

        using var web = JsonDocument.Parse(PushPayloads.Build(Job(PushPlatform.WebPush, preview: null)));
        Assert.Equal("message", web.RootElement.GetProperty("type").GetString());
        Assert.Equal(42, web.RootElement.GetProperty("conversationId").GetInt64());
        Assert.Equal(7, web.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(3, web.RootElement.GetProperty("unread").GetInt64());
        Assert.False(web.RootElement.TryGetProperty("preview", out _));
    }

    [Fact]
    public void Apns_gets_a_localized_alert_and_its_ids_under_roost()
    {
        using var apns = JsonDocument.Parse(PushPayloads.Build(Job(PushPlatform.Apns, preview: null)));
        var aps = apns.RootElement.GetProperty("aps");
        Assert.Equal(PushPayloads.ApnsLocKey, aps.GetProperty("alert").GetProperty("loc-key").GetString());
        Assert.Equal(1, aps.GetProperty("mutable-content").GetInt32());
        Assert.Equal("conv-42", aps.GetProperty("thread-id").GetString());
        Assert.Equal(7, apns.RootElement.GetProperty("roost").GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Fcm_data_values_are_all_strings()
    {
        using var fcm = JsonDocument.Parse(PushPayloads.Build(Job(PushPlatform.Fcm, new PushPreview("alice", "hi"))));
        Assert.All(fcm.RootElement.EnumerateObject(), property => Assert.Equal(JsonValueKind.String, property.Value.ValueKind));
        Assert.Equal("alice", fcm.RootElement.GetProperty("sender").GetString());
    }

    [Fact]
    public void A_preview_is_cut_without_splitting_a_character()
    {
        var body = string.Concat(Enumerable.Repeat("👩‍👩‍👧", 100));
        var cut = PushPayloads.PreviewText(body)!;
        Assert.True(cut.Length <= PushPayloads.MaxPreviewLength);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^1], body, StringComparison.Ordinal);
        Assert.Equal(0, (cut.Length - 1) % "👩‍👩‍👧".Length);
        Assert.Equal("short", PushPayloads.PreviewText("short"));
    }

    [Fact]
    public void The_collapse_key_is_one_per_conversation_and_fits_web_push_topics()
    {
        var key = PushPayloads.CollapseKey(long.MaxValue);
        Assert.True(key.Length <= 32);
        Assert.All(key, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    private static PushJob Job(PushPlatform platform, PushPreview? preview) =>
        new(1, new PushTarget(9, 2, platform, "t", "app", false, false, null, null, DateTimeOffset.UnixEpoch), 42, 7, 1234, 2, 0, 3, preview, DateTimeOffset.UnixEpoch);
}
