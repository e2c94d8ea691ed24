using System.Globalization;
using EdgeAgent.Capture;
using EdgeAgent.Protocol;
using EdgeAgent.Health;

namespace EdgeAgent.Doctor;

/// <summary>How the camera's photos will be dated: from the camera's own clock, a latency, or only their arrival.</summary>
public static class TimingCheck
{
    private const string ArrivalFix = "for an RTSP camera use Backend \"auto\" or \"gstreamer\" (Debian: python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-good gstreamer1.0-libav) so its RTCP sender reports date each frame; otherwise set Cameras[].LatencyMs";

    /// <summary>From the running agent's health entry.</summary>
    public static DoctorResult FromAgent(CameraHealthEntry camera) =>
        camera.ProducedBasis is null
            ? DoctorResult.Warn($"timing {camera.Id}", "no frame yet: the stream latency is unknown", "wait for the camera to connect, then run doctor again")
            : Judge(camera.Id, camera.ProducedBasis, camera.LatencyMs, camera.LatencyP95Ms, camera.RejectedCameraTimes);

    /// <summary>From frames the doctor read itself.</summary>
    public static DoctorResult From(string cameraId, StreamLatencyReading reading) =>
        Judge(cameraId, reading.BasisName, reading.LatencyMs, reading.P95Ms, reading.RejectedCameraTimes);

    private static DoctorResult Judge(string cameraId, string basis, double? latencyMs, double? p95Ms, long rejected)
    {
        var name = $"timing {cameraId}";
        var c = CultureInfo.InvariantCulture;
        var measured = p95Ms is { } p ? string.Create(c, $"stream latency {latencyMs:0} ms (p95 {p:0} ms)") : "";
        if (rejected > 0 && basis != StreamLatencyReading.Name(ProducedBasis.CameraClock))
        {
            return DoctorResult.Warn(name, string.Create(c, $"{rejected} frames carried a capture time from the camera's clock that is implausible (the camera's clock is off), so it is not trusted; producedAt from {basis}"), "point the camera's NTP client at the same time server as this device");
        }

        return basis switch
        {
            "camera-clock" => DoctorResult.Pass(name, $"producedAt from the camera's clock (RTCP sender reports), {measured}"),
            "measured-latency" => DoctorResult.Pass(name, $"producedAt = arrival − measured {measured}"),
            "configured-latency" => DoctorResult.Warn(name, string.Create(c, $"producedAt = arrival − configured {latencyMs:0} ms: the camera's clock gives no capture time"), ArrivalFix),
            _ => DoctorResult.Warn(name, "producedAt is the arrival time: a photo shows the scene a stream latency (often 100-300 ms) earlier than its record says", ArrivalFix),
        };
    }
}
