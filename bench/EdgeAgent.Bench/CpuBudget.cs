using System.Globalization;

namespace EdgeAgent.Bench;

/// <summary>
/// A fixed CPU budget for one process, as if it ran on a host of its own with that many cores: a cgroup (v1 <c>cpu</c>
/// controller, <c>/sys/fs/cgroup/cpu</c>) with a CFS quota of <c>cores × period</c>, and a high <c>cpu.shares</c> so the
/// process gets its budget on a machine busy with other work (the simulated devices, the broker, PostgreSQL). Removed on dispose.
/// </summary>
public sealed class CpuBudget : IDisposable
{
    private const string Root = "/sys/fs/cgroup/cpu";
    private const int PeriodMicroseconds = 100_000;
    private readonly string directory;

    private CpuBudget(string directory, double cores)
    {
        this.directory = directory;
        Cores = cores;
    }

    public double Cores { get; }

    /// <summary>True when this machine lets the bench create cgroups in the v1 <c>cpu</c> controller (root, cgroup v1).</summary>
    public static bool Available => File.Exists(Path.Combine(Root, "cpu.cfs_quota_us")) && Environment.UserName == "root";

    /// <summary>Creates the cgroup and moves <paramref name="pid"/> (all its threads, and the children it forks later) into it.</summary>
    public static CpuBudget Apply(int pid, double cores, string name) => Create([pid], cores, name);

    /// <summary>
    /// No quota, only precedence: <paramref name="pids"/> (the simulated devices, the broker, PostgreSQL) get the CPU they
    /// ask for before the other work on this machine, so the budgeted collectors, not a starved load generator, set the
    /// pace. On dispose they go back to the root group.
    /// </summary>
    public static CpuBudget Prioritise(IEnumerable<int> pids, string name) => Create(pids, null, name);

    private static CpuBudget Create(IEnumerable<int> pids, double? cores, string name)
    {
        var directory = Path.Combine(Root, $"edgeagent-bench-{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(directory);
        var budget = new CpuBudget(directory, cores ?? double.PositiveInfinity);
        try
        {
            Write("cpu.cfs_period_us", PeriodMicroseconds);
            if (cores is { } quota)
            {
                Write("cpu.cfs_quota_us", (long)Math.Round(quota * PeriodMicroseconds));
            }

            Write("cpu.shares", 100 * 1024); // first; what it leaves goes to the rest
            foreach (var pid in pids)
            {
                Write("cgroup.procs", pid);
            }

            return budget;
        }
        catch
        {
            budget.Dispose();
            throw;
        }

        void Write(string file, long value) => File.WriteAllText(Path.Combine(directory, file), value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>CFS periods in which the process was throttled (it had used its budget), and the time it waited, from <c>cpu.stat</c>.</summary>
    public (long Periods, long Throttled, TimeSpan ThrottledTime) Throttling()
    {
        var stat = File.ReadAllLines(Path.Combine(directory, "cpu.stat")).Select(l => l.Split(' ')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        return (stat.GetValueOrDefault("nr_periods"), stat.GetValueOrDefault("nr_throttled"), TimeSpan.FromTicks(stat.GetValueOrDefault("throttled_time") / 100));
    }

    /// <summary>Moves what is still alive back to the root group and removes the cgroup.</summary>
    public void Dispose()
    {
        try
        {
            foreach (var pid in File.ReadAllLines(Path.Combine(directory, "cgroup.procs")))
            {
                try
                {
                    File.WriteAllText(Path.Combine(Root, "cgroup.procs"), pid);
                }
                catch (IOException)
                {
                    // exited meanwhile
                }
            }

            Directory.Delete(directory);
        }
        catch (IOException)
        {
        }
    }
}
