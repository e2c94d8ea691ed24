using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace EdgeAgent.Capture;

/// <summary>What the capture children (ffmpeg, the GStreamer readers, the GOP decoder) share: starting, stopping and hearing them.</summary>
internal static class ChildProcesses
{
    /// <summary>
    /// Starts <paramref name="process"/>; a program that cannot run at all is a permanent fault naming the Debian
    /// <paramref name="package"/> that provides it (the reader does not retry it forever).
    /// </summary>
    public static void Start(Process process, string program, string package)
    {
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new FrameSourceException($"cannot run '{program}' ({ex.Message}): install the Debian {package} package", permanent: true);
        }
    }

    /// <summary>Kills the process and its children if it still runs; a process that is already gone is not an error.</summary>
    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Reads the child's stderr to its end, keeping the last line (credentials removed) in <paramref name="lastError"/>
    /// for the error a broken stream reports, and handing each line to <paramref name="say"/> for the log.
    /// </summary>
    public static async Task DrainStandardErrorAsync(Process process, StrongBox<string?> lastError, Action<string> say)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lastError.Value = FfmpegFrameSource.RedactText(line);
                say(lastError.Value);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (IOException)
        {
        }
    }
}
