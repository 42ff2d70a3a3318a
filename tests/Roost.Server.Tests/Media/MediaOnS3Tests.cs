using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Media;

/// <summary>The same photo round trip with media in an S3-compatible store (s3rver on loopback, started by test.sh), on the run's engine.</summary>
public sealed class MediaOnS3Tests
{
    [Fact]
    public async Task A_photo_round_trip_with_media_in_S3()
    {
        await using var instance = await RoostInstance.StartAsync(TestS3.ServerSettings());
        await MediaDeliveryTests.PhotoRoundTripAsync(instance);
    }
}
