namespace EdgeAgent.Capture;

/// <summary>What the GStreamer frame reader child decodes and how.</summary>
public sealed record GstreamerSourceSettings(string Url, int Width, int Height)
{
    /// <summary>Debian's interpreter, which has python3-gi (a virtualenv's python3 on PATH usually does not).</summary>
    public string PythonPath { get; init; } = "/usr/bin/python3";

    /// <summary>The reader script shipped next to the agent (<c>gstreamer/gst_frame_reader.py</c>).</summary>
    public string HelperPath { get; init; } = DefaultHelperPath;

    /// <summary><c>tcp</c> (default) or <c>udp</c>.</summary>
    public string RtspTransport { get; init; } = "tcp";

    /// <summary>rtspsrc's jitter buffer latency: how long it waits for a missing packet, not a delay added to every frame.</summary>
    public int JitterBufferMs { get; init; } = 200;

    public static string DefaultHelperPath => Path.Combine(AppContext.BaseDirectory, "gstreamer", "gst_frame_reader.py");

    /// <summary>True when the interpreter and the reader script are where the settings say; GStreamer itself is checked by the child.</summary>
    public bool Installed => File.Exists(PythonPath) && File.Exists(HelperPath);
}
