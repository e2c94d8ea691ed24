using System.Globalization;

namespace EdgeAgent.Bench;

/// <summary>CPU time and peak RSS of a process tree, read from /proc.</summary>
public static class ProcStat
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>utime + stime of a process and all its live descendants, in seconds.</summary>
    public static double CpuSeconds(int pid) => Tree(pid).Sum(Cpu);

    /// <summary>utime and stime of one process (all its threads), in seconds: where its CPU went, its own code or the kernel's.</summary>
    public static (double User, double System) CpuSplit(int pid)
    {
        var stat = SafeRead($"/proc/{pid}/stat");
        if (stat.Length == 0)
        {
            return (0, 0);
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / TicksPerSecond, long.Parse(fields[12], CultureInfo.InvariantCulture) / TicksPerSecond);
    }

    /// <summary>Peak resident set (VmHWM) of one process, in MiB.</summary>
    public static double PeakRssMiB(int pid) => Status(pid, "VmHWM:") / 1024.0;

    public static double PeakRssTreeMiB(int pid) => Tree(pid).Sum(p => Status(p, "VmHWM:")) / 1024.0;

    public static IEnumerable<int> Tree(int pid)
    {
        yield return pid;
        foreach (var child in Children(pid))
        {
            foreach (var descendant in Tree(child))
            {
                yield return descendant;
            }
        }
    }

    private static List<int> Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return [];
        }

        return Directory.EnumerateDirectories(tasks)
            .SelectMany(t => SafeRead(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
    }

    private static double Cpu(int pid)
    {
        var stat = SafeRead($"/proc/{pid}/stat");
        if (stat.Length == 0)
        {
            return 0;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is state (field 3); utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static long Status(int pid, string key)
    {
        var line = SafeRead($"/proc/{pid}/status").Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
