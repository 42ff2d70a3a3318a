using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Media;

/// <summary>The same photo round trip with media in an S3-compatible store (s3rver on loopback, started by test.sh), on the run's engine.</summary>
public sealed class MediaOnS3Tests
{
    [Fact]
    public async Task A_photo_round_trip_with_media_in_S3()
    {
        var bucket = "roost-" + Guid.NewGuid().ToString("N")[..12];
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Media:Store"] = "S3",
            ["Roost:Media:S3:ServiceUrl"] = TestS3.ServiceUrl,
            ["Roost:Media:S3:Bucket"] = bucket,
            ["Roost:Media:S3:AccessKey"] = "S3RVER",
            ["Roost:Media:S3:SecretKey"] = "S3RVER",
            ["Roost:Media:S3:UseChunkEncoding"] = "false",
        });
        await MediaDeliveryTests.PhotoRoundTripAsync(instance);
    }
}
