using System.Web;
using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaLinksTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 7, TimeSpan.Zero);
    private const string Id = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_link_verifies_for_its_account_until_it_expires()
    {
        var expires = MediaLinks.ExpiresAt(Now, TimeSpan.FromHours(1));
        var query = Parse(MediaLinks.Query(Key, Id, MediaFile.Full, 42, expires));

        var check = Verify(query, MediaFile.Full, Now);
        Assert.Equal(MediaLinkStatus.Valid, check.Status);
        Assert.Equal(42, check.AccountId);
        Assert.Equal(MediaLinkStatus.Expired, Verify(query, MediaFile.Full, DateTimeOffset.FromUnixTimeSeconds(expires)).Status);
    }

    [Fact]
    public void Links_made_in_the_same_quarter_of_the_lifetime_are_the_same_url_and_keep_three_quarters_of_it()
    {
        var lifetime = TimeSpan.FromHours(1);
        var first = MediaLinks.ExpiresAt(Now, lifetime);
        Assert.Equal(first, MediaLinks.ExpiresAt(Now.AddMinutes(7), lifetime));
        Assert.NotEqual(first, MediaLinks.ExpiresAt(Now.AddMinutes(15), lifetime));
        for (var minute = 0; minute < 60; minute++)
        {
            var at = Now.AddMinutes(minute);
            var left = MediaLinks.ExpiresAt(at, lifetime) - at.ToUnixTimeSeconds();
            Assert.InRange(left, (long)(lifetime.TotalSeconds * 3 / 4), (long)lifetime.TotalSeconds);
        }
    }

    [Theory]
    [InlineData("expires")]
    [InlineData("account")]
    [InlineData("signature")]
    public void Changing_any_part_of_a_link_invalidates_it(string part)
    {
        var query = Parse(MediaLinks.Query(Key, Id, MediaFile.Full, 42, MediaLinks.ExpiresAt(Now, TimeSpan.FromHours(1))));
        var value = query[part]!;
        query[part] = part == "signature" ? (value[0] == 'A' ? 'B' : 'A') + value[1..] : (long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(MediaLinkStatus.Invalid, Verify(query, MediaFile.Full, Now).Status);
    }

    [Fact]
    public void A_link_is_for_one_file_of_one_media_under_one_key()
    {
        var query = Parse(MediaLinks.Query(Key, Id, MediaFile.Full, 42, MediaLinks.ExpiresAt(Now, TimeSpan.FromHours(1))));
        Assert.Equal(MediaLinkStatus.Invalid, Verify(query, MediaFile.ThumbnailRole(256), Now).Status);
        Assert.Equal(MediaLinkStatus.Invalid, MediaLinks.Verify(Key, "f" + Id[1..], MediaFile.Full, query["expires"], query["account"], query["signature"], Now).Status);
        var otherKey = Key.Select(b => (byte)(b ^ 0xFF)).ToArray();
        Assert.Equal(MediaLinkStatus.Invalid, MediaLinks.Verify(otherKey, Id, MediaFile.Full, query["expires"], query["account"], query["signature"], Now).Status);
    }

    [Theory]
    [InlineData(null, "42", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("-5", "42", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1800000000", "4 2", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1800000000", "42", "short")]
    [InlineData("1800000000", "42", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("1800000000", "42", null)]
    public void Malformed_parameters_are_invalid_not_errors(string? expires, string? account, string? signature) =>
        Assert.Equal(MediaLinkStatus.Invalid, MediaLinks.Verify(Key, Id, MediaFile.Full, expires, account, signature, Now).Status);

    [Fact]
    public void Thumbnail_roles_name_their_size()
    {
        Assert.Equal(256, MediaFile.ThumbnailSize(MediaFile.ThumbnailRole(256)));
        Assert.Null(MediaFile.ThumbnailSize(MediaFile.Full));
        Assert.Null(MediaFile.ThumbnailSize("thumb-x"));
    }

    private static MediaLinkCheck Verify(System.Collections.Specialized.NameValueCollection query, string role, DateTimeOffset now) =>
        MediaLinks.Verify(Key, Id, role, query["expires"], query["account"], query["signature"], now);

    private static System.Collections.Specialized.NameValueCollection Parse(string query) => HttpUtility.ParseQueryString(query);
}
