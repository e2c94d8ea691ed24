namespace EdgeAgent.Bench;

/// <summary>Sizes of one benchmark run. <see cref="Smoke"/> keeps the suite's smoke run short; timing never decides pass or fail.</summary>
public sealed record BenchOptions(int Triggers, int BacklogRecords, TimeSpan CpuWindow, int Width, int Height, int Fps)
{
    public static BenchOptions Full { get; } = new(30, 300, TimeSpan.FromSeconds(10), 1280, 720, 15) { LockEdges = 1000, DebouncedLockEdges = 100, CpuWarmup = TimeSpan.FromSeconds(2), FleetDevices = [100, 1000], FleetRecords = 3000, FleetSteadyRecords = 2000, FleetSteadyRate = 100 };

    public static BenchOptions Smoke { get; } = new(3, 20, TimeSpan.FromSeconds(1), 640, 360, 10) { LockEdges = 50, DebouncedLockEdges = 10, CpuWarmup = TimeSpan.FromSeconds(0.5), FleetDevices = [4], FleetRecords = 20, FleetSteadyRecords = 8, FleetSteadyRate = 8 };

    /// <summary>Lock-switch edges timed with no debounce (each takes microseconds).</summary>
    public int LockEdges { get; init; }

    /// <summary>Lock-switch edges timed with the default 50 ms debounce (each takes the debounce time).</summary>
    public int DebouncedLockEdges { get; init; }

    /// <summary>Wait before a CPU window starts: past JIT and stream set-up.</summary>
    public TimeSpan CpuWarmup { get; init; }

    /// <summary>Only the central side's rows: the backlog drains and the load generator's fleets (<c>--drain-only</c>; with <c>--no-fleet</c>, the drains alone).</summary>
    public bool DrainOnly { get; init; }

    /// <summary>Only the two PUBACK-only drain rows, the agent's and the bare loop's (<c>--puback-drain-only</c>, with <c>--drain-only</c>).</summary>
    public bool PubackDrainOnly { get; init; }

    /// <summary>Only the bare loop and the end-to-end drain with group commit (<c>--e2e-only</c>, with <c>--drain-only</c>).</summary>
    public bool EndToEndOnly { get; init; }

    /// <summary>Add the drain into an S3 bucket on a Ceph RADOS Gateway started for the run (<c>--object-store</c>; needs ceph-mon, ceph-osd, radosgw).</summary>
    public bool ObjectStore { get; init; }

    /// <summary>Fleet sizes of the load generator (<c>--fleet-devices 100,1000</c>); empty: no fleet rows (<c>--no-fleet</c>).</summary>
    public IReadOnlyList<int> FleetDevices { get; init; } = [];

    /// <summary>Only the load generator's rows (<c>--fleet-only</c>).</summary>
    public bool FleetOnly { get; init; }

    /// <summary>Backlog records per fleet run, split over its devices (<c>--fleet-records</c>).</summary>
    public int FleetRecords { get; init; }

    /// <summary>Records per steady fleet run (<c>--fleet-steady-records</c>), created at <see cref="FleetSteadyRate"/> per second over the fleet.</summary>
    public int FleetSteadyRecords { get; init; }

    public double FleetSteadyRate { get; init; }

    /// <summary>
    /// Cores each collector process is held to (<c>--collector-cpu 0.5</c>, a cgroup CPU quota: <see cref="CpuBudget"/>), as
    /// on a host of its own: the backlog into one and into two collectors is run again with that budget each, beside the
    /// unbudgeted runs. Null: unbudgeted runs only.
    /// </summary>
    public double? CollectorCpu { get; init; }

    /// <summary>
    /// With <see cref="CollectorCpu"/>: rounds of the budgeted pair (one collector, two collectors), alternating which
    /// goes first; the table reports each one's median and every round (<c>--budget-rounds N</c>). One budgeted
    /// collector alone ranged from 73 to 113 records/s between runs on this host (session 10), so one round's ratio is noise.
    /// </summary>
    public int BudgetRounds { get; init; } = 3;

    /// <summary>With <see cref="CollectorCpu"/>: only the budgeted backlog runs (<c>--budgeted-only</c>), for a quick look.</summary>
    public bool BudgetedOnly { get; init; }

    /// <summary>The device's window (<c>Broker:MaxInFlightRecords</c>) in the agent's drain rows and the end-to-end row's device (<c>--max-in-flight N</c>); null: the default, 64.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>The drained device's window in effect: <see cref="MaxInFlight"/>, or the agent's default.</summary>
    public int Window => MaxInFlight ?? new EdgeAgent.Configuration.BrokerOptions().MaxInFlightRecords;

    /// <summary>Broker options for a drained device: <see cref="MaxInFlight"/> applied when set.</summary>
    public EdgeAgent.Configuration.BrokerOptions DeviceBroker(EdgeAgent.Configuration.BrokerOptions broker)
    {
        broker.MaxInFlightRecords = Window;
        return broker;
    }

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "edgeagent-bench-" + Guid.NewGuid().ToString("N")[..8]);
}
