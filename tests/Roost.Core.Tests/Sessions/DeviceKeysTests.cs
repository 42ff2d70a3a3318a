using Roost.Core.Sessions;

namespace Roost.Core.Tests.Sessions;

public sealed class DeviceKeysTests
{
    private const string Hash = "pbkdf2-sha256$600000$salt$hash";
    private readonly DeviceKeys _keys = new(new byte[32]);

    [Fact]
    public void A_device_key_verifies_only_for_the_account_it_was_made_for()
    {
        var key = _keys.Create(7, Hash);

        Assert.NotNull(_keys.Verify(key, 7, Hash));
        Assert.Null(_keys.Verify(key, 8, Hash));
        Assert.Null(new DeviceKeys(new byte[32].Select(_ => (byte)1).ToArray()).Verify(key, 7, Hash));
    }

    [Fact]
    public void Altered_or_malformed_keys_are_refused()
    {
        var key = _keys.Create(7, Hash);
        var altered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        Assert.Null(_keys.Verify(altered, 7, Hash));
        Assert.Null(_keys.Verify("dk1_" + new string('A', key.Length - 4), 7, Hash));
        Assert.Null(_keys.Verify("", 7, Hash));
        Assert.Null(_keys.Verify(null, 7, Hash));
        Assert.Null(_keys.Verify(key + "A", 7, Hash));
    }

    [Fact]
    public void Keys_that_are_not_base64url_are_refused_without_throwing()
    {
        var length = _keys.Create(7, Hash).Length;

        Assert.Null(_keys.Verify("dk1_" + new string('!', length - 4), 7, Hash));
        Assert.Null(_keys.Verify("dk1_" + new string('=', length - 4), 7, Hash));
        Assert.Null(_keys.Verify("dk1_" + new string('A', length - 6) + "==", 7, Hash));

        // Every last character: some make the text non-canonical or invalid (the case that used to throw at random).
        var key = _keys.Create(7, Hash);
        foreach (var last in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=!")
        {
            var altered = key[..^1] + last;
            if (altered != key)
            {
                Assert.Null(_keys.Verify(altered, 7, Hash));
            }
        }
    }

    [Fact]
    public void A_device_key_stops_verifying_once_the_password_hash_changes()
    {
        var key = _keys.Create(7, Hash);

        Assert.Null(_keys.Verify(key, 7, "pbkdf2-sha256$600000$salt$other"));
        Assert.Null(_keys.Verify(key, 7, ""));
    }

    [Fact]
    public void An_account_without_a_password_gets_keys_that_stop_verifying_once_it_sets_one()
    {
        var key = _keys.Create(7, "");

        Assert.NotNull(_keys.Verify(key, 7, ""));
        Assert.Null(_keys.Verify(key, 7, Hash));
    }
}
