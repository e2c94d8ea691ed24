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
    public static CpuBudget Apply(int pid, double cores, string name)
    {
        var directory = Path.Combine(Root, $"edgeagent-bench-{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(directory);
        var budget = new CpuBudget(directory, cores);
        try
        {
            Write("cpu.cfs_period_us", PeriodMicroseconds);
            Write("cpu.cfs_quota_us", (long)Math.Round(cores * PeriodMicroseconds));
            Write("cpu.shares", 100 * 1024); // its budget first; what it leaves goes to the rest
            Write("cgroup.procs", pid);
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

    /// <summary>Removes the cgroup (its process must have exited; otherwise it is left for the next boot).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (IOException)
        {
        }
    }
}
