using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Health;

/// <summary>
/// Decides whether the evidence pipeline is really alive, which is what the systemd watchdog is fed on.
/// A camera that is reconnecting is degraded but its loop is alive, and a restart would not bring a
/// cable back. A camera that claims to be connected but has produced no frame for
/// <see cref="HealthOptions.FrameStallSeconds"/> has a hung read, which a restart does fix. The same goes
/// for a trigger that has waited longer than <see cref="HealthOptions.RecorderStallSeconds"/> for the recorder, and for
/// the recorder itself stuck that long on the trigger it is handling.
/// A camera that has not produced its first frame yet does not count: after a restart it is in that state
/// again, so counting it would turn a camera that is simply dead into an endless restart loop that takes
/// every other camera down with it (and ends in systemd's start limit). It shows as degraded health instead.
/// </summary>
public sealed class PipelineHealth(CameraRegistry cameras, TriggerBus bus, RecorderActivity recorder, IOptions<EdgeAgentOptions> options, TimeProvider timeProvider)
{
    public PipelineVerdict Evaluate()
    {
        var health = options.Value.Health;
        var frameStall = TimeSpan.FromSeconds(health.FrameStallSeconds);
        var now = timeProvider.GetTimestamp();
        var problems = new List<string>();

        foreach (var reader in cameras.All)
        {
            var latest = reader.Latest;
            if (reader.State == CameraState.Connected && latest is not null)
            {
                var age = timeProvider.GetElapsedTime(latest.Timestamp, now);
                if (age > frameStall)
                {
                    problems.Add($"camera {reader.CameraId}: capture loop hung, connected but no frame for {age.TotalSeconds:0} s");
                }
            }
        }

        if (bus.Reader.CanPeek && bus.Reader.TryPeek(out var waiting))
        {
            var age = timeProvider.GetElapsedTime(waiting.EdgeTimestamp, now);
            if (age > TimeSpan.FromSeconds(health.RecorderStallSeconds))
            {
                problems.Add($"recorder: a trigger at {waiting.PointId} has waited {age.TotalSeconds:0} s to be recorded");
            }
        }

        if (recorder.Busy is { } busy && busy > TimeSpan.FromSeconds(health.RecorderStallSeconds))
        {
            problems.Add($"recorder: stuck on one trigger for {busy.TotalSeconds:0} s");
        }

        return new PipelineVerdict(problems.Count == 0, problems);
    }
}
