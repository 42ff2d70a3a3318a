using Roost.Testing;

namespace Roost.Core.Tests.Identity;

public sealed class OneTimeCodeServiceTests
{
    [Fact]
    public async Task A_code_goes_to_the_e164_form_and_every_spelling_of_a_number_shares_its_budget()
    {
        await using var scope = await SqliteScope.OpenAsync();
        var codes = scope.Codes();

        foreach (var spelling in new[] { "+44 7400 123456", "0044 7400 123456", "+44 (7400) 123-456" })
        {
            Assert.True((await codes.SendAsync("test", spelling, "10.0.0.1", CancellationToken.None).DefaultTimeout()).IsSuccess);
        }

        var fourth = await codes.SendAsync("test", "+447400123456", "10.0.0.1", CancellationToken.None).DefaultTimeout();
        Assert.Equal("rate_limited", fourth.Error!.Code);
        Assert.All(scope.Sms.Sent, sent => Assert.Equal("+447400123456", sent.Phone));

        // The code is checked under the same form, whichever spelling the client sends back.
        var code = scope.Sms.Sent.Last().Code;
        Assert.True((await codes.VerifyAsync("test", "+44 7400 123456", code, CancellationToken.None).DefaultTimeout()).Value);
    }
}
