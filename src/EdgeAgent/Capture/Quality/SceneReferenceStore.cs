using EdgeAgent.Platform;
using OpenCvSharp;

namespace EdgeAgent.Capture.Quality;

/// <summary>
/// Reference frames taken at commissioning, one PNG per camera under <c>StateDirectory/references</c>.
/// Camera ids are validated identifiers (no path separators), and are checked again here before use as file names.
/// </summary>
public sealed class SceneReferenceStore(string stateDirectory)
{
    private readonly Dictionary<string, RawFrame?> cache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public string Directory { get; } = Path.Combine(stateDirectory, "references");

    public string PathFor(string cameraId)
    {
        if (cameraId.Length == 0 || cameraId.IndexOfAny(['/', '\\', '\0']) >= 0 || cameraId.StartsWith('.'))
        {
            throw new ArgumentException($"camera id '{cameraId}' cannot name a reference file", nameof(cameraId));
        }

        return Path.Combine(Directory, cameraId + ".png");
    }

    /// <summary>Stores <paramref name="frame"/> as the camera's reference view, durably.</summary>
    public void Save(string cameraId, RawFrame frame)
    {
        using var mat = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        Cv2.ImEncode(".png", mat, out var png);
        Platform.StateFiles.CreateDirectory(Directory);
        DurableFile.Write(PathFor(cameraId), png);
        lock (gate)
        {
            cache[cameraId] = frame;
        }
    }

    /// <summary>The camera's reference, or null if it was never commissioned.</summary>
    public RawFrame? Load(string cameraId)
    {
        lock (gate)
        {
            if (cache.TryGetValue(cameraId, out var known))
            {
                return known;
            }

            var path = PathFor(cameraId);
            var frame = File.Exists(path) ? JpegEncoder.Decode(File.ReadAllBytes(path)) : null;
            cache[cameraId] = frame;
            return frame;
        }
    }
}
