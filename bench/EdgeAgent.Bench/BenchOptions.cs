namespace EdgeAgent.Bench;

/// <summary>Sizes of one benchmark run. <see cref="Smoke"/> keeps the suite's smoke run short; timing never decides pass or fail.</summary>
public sealed record BenchOptions(int Triggers, int BacklogRecords, TimeSpan CpuWindow, int Width, int Height, int Fps)
{
    public static BenchOptions Full { get; } = new(30, 300, TimeSpan.FromSeconds(10), 1280, 720, 15);

    public static BenchOptions Smoke { get; } = new(3, 20, TimeSpan.FromSeconds(1), 640, 360, 10);

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "edgeagent-bench-" + Guid.NewGuid().ToString("N")[..8]);
}
