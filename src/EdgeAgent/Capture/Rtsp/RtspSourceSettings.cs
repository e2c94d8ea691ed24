namespace EdgeAgent.Capture.Rtsp;

/// <summary>What the managed RTSP client reads and how patient it is.</summary>
/// <param name="Url">rtsp://[user:password@]host[:port]/path; the user info answers Basic or Digest challenges.</param>
public sealed record RtspSourceSettings(string Url)
{
    /// <summary>No RTP packet for this long ends the stream (transient: the reader reconnects).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one request (OPTIONS, DESCRIBE, SETUP, PLAY) may wait for its answer, connecting included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an RTCP receiver report goes to the camera (RFC 3550 suggests about 5 s).</summary>
    public TimeSpan ReceiverReportInterval { get; init; } = TimeSpan.FromSeconds(5);
}
