using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaUploadRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly MediaLimits Limits = new() { DailyBytes = 1_000_000, MaxUploadBytes = 500_000, MaxImageBytes = 100_000 };

    [Fact]
    public void The_daily_quota_cannot_be_wrapped_around_by_a_huge_length()
    {
        Assert.Null(MediaUploadRules.CheckDailyQuota(1, 999_999, Limits));
        Assert.Equal(MediaErrorCodes.DailyQuota, MediaUploadRules.CheckDailyQuota(1, 1_000_000, Limits)?.Code);
        Assert.Equal(MediaErrorCodes.DailyQuota, MediaUploadRules.CheckDailyQuota(1, long.MaxValue, Limits)?.Code);
        Assert.Equal(MediaErrorCodes.DailyQuota, MediaUploadRules.CheckDailyQuota(long.MaxValue, 1, Limits)?.Code);
        Assert.Equal(MediaErrorCodes.TooLarge, MediaUploadRules.CheckCreate(0, 1, long.MaxValue, Limits)?.Code);
    }

    [Fact]
    public void A_deferred_length_is_held_to_the_largest_upload_and_once_the_type_is_known_to_its_kind()
    {
        var untyped = Upload(contentType: null);
        var huge = MediaUploadRules.CheckChunk(untyped, Chunk(declareLength: long.MaxValue), 1, Limits);
        Assert.Equal((MediaErrorCodes.TooLarge, ErrorKind.PayloadTooLarge), (huge?.Code, huge?.Kind));
        Assert.Null(MediaUploadRules.CheckChunk(untyped, Chunk(declareLength: 400_000), 1, Limits));

        var image = Upload(contentType: "image/png");
        Assert.Equal(MediaErrorCodes.TooLarge, MediaUploadRules.CheckChunk(image, Chunk(declareLength: 400_000), 1, Limits)?.Code);
        Assert.Equal(MediaErrorCodes.TooLarge, MediaUploadRules.CheckChunk(image, Chunk(length: 200_000), 1, Limits)?.Code);
        Assert.Equal(100_000, MediaUploadRules.MaxBytesFor(image, Limits));
        Assert.Equal(500_000, MediaUploadRules.MaxBytesFor(untyped, Limits));
    }

    [Fact]
    public void A_chunk_past_the_declared_end_is_too_large_and_offsets_must_match()
    {
        var known = Upload(contentType: "application/pdf", length: 10_000);
        var past = MediaUploadRules.CheckChunk(known, Chunk(length: 6_000), 1, Limits);
        Assert.Equal((MediaErrorCodes.UploadExceedsLength, ErrorKind.PayloadTooLarge), (past?.Code, past?.Kind));
        Assert.Equal(MediaErrorCodes.UploadOffsetMismatch, MediaUploadRules.CheckChunk(known, Chunk(offset: 4_000), 1, Limits)?.Code);
        Assert.Equal(MediaErrorCodes.UploadLengthFixed, MediaUploadRules.CheckChunk(known, Chunk(declareLength: 20_000), 1, Limits)?.Code);
        Assert.Null(MediaUploadRules.CheckChunk(known, Chunk(length: 5_904), 1, Limits));
    }

    private static MediaUpload Upload(string? contentType, long? length = null) =>
        new("0123456789abcdef0123456789abcdef", 7, MediaState.Uploading, length, 4_096, null, null, null, contentType, null, Now, Now.AddDays(1));

    private static NewChunk Chunk(long offset = 4_096, long length = 1_000, long? declareLength = null) =>
        new("0123456789abcdef0123456789abcdef", 7, offset, length, "staging/x/000000000004096-abc", null, declareLength, Now);
}
