using EdgeAgent.Configuration;
using EdgeAgent.Platform;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture.Overlay;

/// <summary>
/// Keeps the overlay copy of each evidence photo under <c>StateDirectory/overlays/{recordId}.jpg</c>, derived
/// from the original JPEG exactly as stored (decoded, stamped, re-encoded), so anyone holding the original and
/// the record can derive it again. Bounded: the oldest copies go beyond <see cref="MaxFiles"/>.
/// A failure here never fails the record: the original is the evidence.
/// </summary>
public sealed partial class OverlayStore(string stateDirectory, ILogger<OverlayStore> logger)
{
    public int MaxFiles { get; init; } = 1000;

    public string Directory { get; } = Path.Combine(stateDirectory, "overlays");

    public string? Keep(Guid recordId, OverlayFields fields, byte[] originalJpeg, OverlayOptions options, int jpegQuality)
    {
        if (!options.Enabled)
        {
            return null;
        }

        try
        {
            var original = JpegEncoder.Decode(originalJpeg);
            var stamped = OverlayRenderer.Render(original, fields.Lines(options), options);
            StateFiles.CreateDirectory(Directory);
            var path = Path.Combine(Directory, recordId.ToString("N") + ".jpg");
            DurableFile.Write(path, JpegEncoder.Encode(stamped, jpegQuality));
            Prune();
            return path;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.OverlayFailed(logger, ex, recordId, fields.Camera);
            return null;
        }
    }

    /// <summary>Deletes every overlay copy (they are not evidence) to make room on a full disk; returns the bytes freed.</summary>
    public long DropAll()
    {
        long freed = 0;
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        foreach (var file in new DirectoryInfo(Directory).GetFiles("*"))
        {
            freed += file.Length;
            file.Delete();
        }

        Log.OverlaysDropped(logger, freed);
        return freed;
    }

    private void Prune()
    {
        var files = new DirectoryInfo(Directory).GetFiles("*.jpg");
        if (files.Length <= MaxFiles)
        {
            return;
        }

        // Record ids are UUIDv7: name order is time order.
        foreach (var old in files.OrderBy(f => f.Name, StringComparer.Ordinal).Take(files.Length - MaxFiles))
        {
            old.Delete();
        }
    }
}

/// <summary>Overlay events: 3201-3219.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Overlay copy of record {RecordId} (camera {CameraId}) failed; the original is kept")]
    public static partial void OverlayFailed(ILogger logger, Exception exception, Guid recordId, string cameraId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "State disk full: all overlay copies dropped ({Bytes} bytes) to leave the room to evidence")]
    public static partial void OverlaysDropped(ILogger logger, long bytes);
}
