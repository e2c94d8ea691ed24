using EdgeAgent.Capture;

namespace EdgeAgent.Health;

/// <summary>
/// One entry per camera (state, frame rate, quality of the newest frame); a camera not connected is a problem,
/// a failing one fails the report, and its quality flags are the same sentences the evidence records carry.
/// </summary>
public sealed class CameraHealthContributor(CameraRegistry cameras, TimeProvider timeProvider) : IHealthContributor
{
    private readonly CameraSampler sampler = new(cameras, timeProvider);

    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var samples = cameras.All.Select(sampler.Sample).ToList();
        var entries = samples.ConvertAll(s => s.Health);
        foreach (var camera in entries.Where(c => c.State != "connected"))
        {
            report.AddProblem($"camera {camera.Id}: {camera.State}{(camera.LastError is null ? "" : $" ({camera.LastError})")}", failing: camera.State == "failing");
        }

        // Frozen, blank, covered, dark, bright, blurry, scene-mismatch: the same sentences the evidence records carry.
        foreach (var finding in samples.SelectMany(s => s.Findings))
        {
            report.AddProblem(finding);
        }

        report.Cameras = entries;
        return ValueTask.CompletedTask;
    }
}
