namespace EdgeAgent.Protocol;

/// <summary>How a frame's production time was found; docs/protocol.md <c>frame.producedBasis</c>.</summary>
public enum ProducedBasis
{
    /// <summary>From the stream's own timing (RTCP sender reports: RTP time to the camera's NTP time).</summary>
    CameraClock,

    /// <summary>Arrival minus a stream latency measured for this camera.</summary>
    MeasuredLatency,

    /// <summary>Arrival minus a configured latency.</summary>
    ConfiguredLatency,

    /// <summary>Nothing better is known: the arrival time.</summary>
    Arrival,
}
