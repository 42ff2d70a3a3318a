using Roost.Core.Media;
using Roost.Core.Storage;
using Roost.Media.Imaging;
using Roost.Media.S3;
using Roost.Server.Options;

namespace Roost.Server.Media;

internal static class MediaSetup
{
    /// <summary>The blob store of <c>Roost:Media</c>, the upload path, the processing queue and the sweeper.</summary>
    public static IServiceCollection AddRoostMedia(this IServiceCollection services, RoostOptions options)
    {
        var media = options.Media;
        var temporary = Path.Combine(Path.GetFullPath(options.Storage.DataDirectory), "media-tmp");
        services.AddSingleton(media.ToLimits());
        services.AddSingleton<MediaSignal>();
        services.AddSingleton<IBlobStore>(_ => CreateBlobStore(options, temporary));
        services.AddSingleton<IImageProcessor, SkiaImageProcessor>();
        services.AddSingleton(provider => new MediaDelivery(
            media,
            provider.GetRequiredService<Core.Identity.SecretProtector>().MediaLinkKey,
            provider.GetRequiredService<IBlobStore>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new MediaUploads(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<IBlobStore>(),
            provider.GetRequiredService<MediaLimits>(),
            provider.GetRequiredService<MediaSignal>(),
            temporary,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MediaUploads>>()));
        services.AddSingleton(provider => new MediaProcessor(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<IBlobStore>(),
            provider.GetRequiredService<IImageProcessor>(),
            provider.GetRequiredService<MediaLimits>(),
            temporary,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MediaProcessor>>()));
        services.AddHostedService(provider => new MediaProcessingService(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<MediaProcessor>(),
            provider.GetRequiredService<MediaSignal>(),
            media.ProcessingConcurrency,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MediaProcessingService>>()));
        services.AddSingleton(provider => new MediaSweeperService(
            provider.GetRequiredService<IRoostStore>(),
            provider.GetRequiredService<IBlobStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MediaSweeperService>>()));
        services.AddHostedService(provider => provider.GetRequiredService<MediaSweeperService>());
        return services;
    }

    private static IBlobStore CreateBlobStore(RoostOptions options, string temporary)
    {
        // Temporary files (incoming chunks, jobs) are private like the data folder, and left-overs of a crash go.
        PrivateFiles.EnsureDirectory(temporary, options.Storage.AllowSharedDataDirectory);
        foreach (var leftover in Directory.EnumerateFileSystemEntries(temporary))
        {
            if (Directory.Exists(leftover))
            {
                Directory.Delete(leftover, recursive: true);
            }
            else
            {
                File.Delete(leftover);
            }
        }

        var media = options.Media;
        if (media.Store == MediaStoreKind.S3)
        {
            var store = new S3BlobStore(new S3BlobStoreOptions
            {
                ServiceUrl = media.S3.ServiceUrl,
                Bucket = media.S3.Bucket,
                Region = media.S3.Region,
                AccessKey = media.S3.AccessKey,
                SecretKey = media.S3.SecretKey,
                ForcePathStyle = media.S3.ForcePathStyle,
                UseChunkEncoding = media.S3.UseChunkEncoding,
                KeyPrefix = media.S3.KeyPrefix.Length > 0 ? media.S3.KeyPrefix : null,
                PublicBaseUrl = media.S3.PublicBaseUrl.Length > 0 ? media.S3.PublicBaseUrl : null,
            });
            store.EnsureBucketAsync(CancellationToken.None).GetAwaiter().GetResult();
            return store;
        }

        var directory = media.Directory.Length > 0 ? media.Directory : Path.Combine(options.Storage.DataDirectory, "media");
        PrivateFiles.EnsureDirectory(Path.GetFullPath(directory), options.Storage.AllowSharedDataDirectory);
        return new LocalDiskBlobStore(Path.GetFullPath(directory));
    }
}
