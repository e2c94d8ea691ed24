using System.Diagnostics;

namespace EdgeAgent.Tests.Evidence;

/// <summary>Real H.264 MP4 files made by Debian's ffmpeg (faststart, GOP 2 s), and ffprobe to read them back independently.</summary>
public static class TestMp4
{
    private static readonly Lazy<Task<byte[]>> TenSeconds = new(() => MakeAsync(640, 360, 15, 10, "4M"));

    /// <summary>10 s of noisy <c>testsrc</c> at 640×360, 15 fps (150 frames), 4 Mbit/s (a site camera's rate), about 5 MB: many chunks at any packet cap.</summary>
    public static Task<byte[]> TenSecondsAsync() => TenSeconds.Value;

    public static async Task<byte[]> MakeAsync(int width, int height, int fps, int seconds, string bitrate)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgeagent-clip-{Guid.NewGuid():N}.mp4");
        try
        {
            await RunAsync("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate={fps}", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-vf", "noise=alls=30:allf=t+u",
                "-c:v", "libx264", "-preset", "ultrafast", "-b:v", bitrate, "-g", (2 * fps).ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-y", path);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What ffprobe finds when it decodes every frame: codec, size, frames read; and ffmpeg's decode errors (empty when playable).</summary>
    public static async Task<(string Codec, int Width, int Height, int Frames, string DecodeErrors)> ProbeAsync(string path)
    {
        var json = await RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", path);
        var stream = System.Text.Json.Nodes.JsonNode.Parse(json)!["streams"]![0]!;
        var errors = await RunAsync("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-f", "null", "-"], stderr: true);
        return ((string)stream["codec_name"]!, (int)stream["width"]!, (int)stream["height"]!, int.Parse((string)stream["nb_read_frames"]!, System.Globalization.CultureInfo.InvariantCulture), errors.Trim());
    }

    private static Task<string> RunAsync(string executable, params string[] args) => RunAsync(executable, args, stderr: false);

    private static async Task<string> RunAsync(string executable, string[] args, bool stderr)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} exited {process.ExitCode}: {await error}");
        }

        return stderr ? await error : await output;
    }
}
