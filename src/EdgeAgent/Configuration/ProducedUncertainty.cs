using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>
/// How far a frame's production time may be from the moment the camera really captured it, per basis; configured
/// per camera under <c>Cameras:N:ProducedUncertainty</c>. The <c>at</c> photo must be surely after the edge, so a
/// frame is taken as <c>at</c> only when even its earliest possible production time is at or after the edge (plus
/// the step's settle time). Only the numbers live here; applying them to a frame is Capture's
/// (<c>ProducedUncertaintyOfFrames</c>).
/// </summary>
public sealed class ProducedUncertainty
{
    /// <summary>Camera clock (RTCP): the camera's and the agent's NTP error; either way.</summary>
    [Range(0, 10000)]
    public int CameraClockMs { get; set; } = 20;

    /// <summary>Arrival minus a measured latency: the latency's jitter; either way.</summary>
    [Range(0, 10000)]
    public int MeasuredLatencyMs { get; set; } = 60;

    /// <summary>Arrival minus a configured latency: how wrong the configured value may be; either way.</summary>
    [Range(0, 10000)]
    public int ConfiguredLatencyMs { get; set; } = 150;

    /// <summary>Arrival only: the stream's whole latency (camera, network, decoder), by which the frame may be older than it looks.</summary>
    [Range(0, 10000)]
    public int ArrivalMs { get; set; } = 400;

    /// <summary>The largest of the four, for deadlines.</summary>
    public TimeSpan Largest => TimeSpan.FromMilliseconds(Math.Max(Math.Max(CameraClockMs, MeasuredLatencyMs), Math.Max(ConfiguredLatencyMs, ArrivalMs)));
}
