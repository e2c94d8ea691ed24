using EdgeAgent.Configuration;

namespace EdgeAgent.Health;

/// <summary>
/// The report while contributors fill it: problems in the order they were added, whether any of them is
/// failing, and one section per component. <see cref="HealthCollector"/> grades and freezes it.
/// </summary>
public sealed class HealthReportBuilder(EdgeAgentOptions agent, DateTimeOffset now)
{
    private readonly List<string> problems = [];

    public EdgeAgentOptions Agent { get; } = agent;

    /// <summary>The report's time, the same for every contributor.</summary>
    public DateTimeOffset Now { get; } = now;

    public IReadOnlyList<string> Problems => problems;

    /// <summary>True once any contributor reported a failing problem.</summary>
    public bool Failing { get; private set; }

    public IReadOnlyList<CameraHealthEntry> Cameras { get; set; } = [];

    public IReadOnlyList<InputHealthEntry> Inputs { get; set; } = [];

    public IReadOnlyList<ScannerHealth> Scanners { get; set; } = [];

    public BrokerHealth? Broker { get; set; }

    public OutboxHealth? Outbox { get; set; }

    public DiskHealth? Disk { get; set; }

    public ClockSync? Clock { get; set; }

    public double? CpuTemperatureC { get; set; }

    public bool PipelineAlive { get; set; } = true;

    public FindingsHealth? Findings { get; set; }

    /// <summary>Adds a problem sentence; a failing one makes the whole report failing, else it is degraded.</summary>
    public void AddProblem(string problem, bool failing = false)
    {
        problems.Add(problem);
        Failing |= failing;
    }

    /// <summary>Marks the report failing without a sentence of its own (the sentence came with another problem).</summary>
    public void MarkFailing() => Failing = true;
}
