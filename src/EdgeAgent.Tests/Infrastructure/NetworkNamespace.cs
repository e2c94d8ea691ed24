using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A test host of our own: a Linux network namespace joined to this machine by veth links, so a test can cut
/// one path (device ↔ broker) while another (collector ↔ broker) stays up. Needs root and iproute2.
/// Addresses are 10.250.N.0/30 links that exist only inside this test's namespace pair.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private static int counter;
    private readonly List<string> hostLinks = [];
    private readonly List<(string Host, string Inside)> addresses = [];

    private NetworkNamespace(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public static bool IsSupported => Environment.UserName == "root" && (File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip"));

    public static NetworkNamespace Create()
    {
        var name = $"ea{Environment.ProcessId % 10000}n{Interlocked.Increment(ref counter)}";
        Run("ip", "netns", "add", name);
        var ns = new NetworkNamespace(name);
        Run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Adds a veth link; returns (host address, namespace address). Each link is its own /30.</summary>
    public (string Host, string Inside) AddLink()
    {
        var index = hostLinks.Count;
        var net = (Environment.ProcessId % 200) + index; // distinct per test process and link
        var host = $"{Name}h{index}";
        var inside = $"{Name}i{index}";
        Run("ip", "link", "add", host, "type", "veth", "peer", "name", inside);
        hostLinks.Add(host);
        Run("ip", "link", "set", inside, "netns", Name);
        var hostAddress = string.Create(CultureInfo.InvariantCulture, $"10.250.{net}.1");
        var insideAddress = string.Create(CultureInfo.InvariantCulture, $"10.250.{net}.2");
        Run("ip", "addr", "add", hostAddress + "/30", "dev", host);
        Run("ip", "link", "set", host, "up");
        Run("ip", "netns", "exec", Name, "ip", "addr", "add", insideAddress + "/30", "dev", inside);
        Run("ip", "netns", "exec", Name, "ip", "link", "set", inside, "up");
        addresses.Add((hostAddress, insideAddress));
        return (hostAddress, insideAddress);
    }

    /// <summary>
    /// Cuts link <paramref name="index"/> with blackhole routes on both ends: packets vanish silently, no reset or
    /// ICMP is sent (a real partition), and nothing can leak out through another route, as a downed link would allow.
    /// </summary>
    public void Partition(int index)
    {
        Run("ip", "route", "add", "blackhole", addresses[index].Inside + "/32");
        Run("ip", "netns", "exec", Name, "ip", "route", "add", "blackhole", addresses[index].Host + "/32");
    }

    public void Heal(int index)
    {
        Run("ip", "route", "del", "blackhole", addresses[index].Inside + "/32");
        Run("ip", "netns", "exec", Name, "ip", "route", "del", "blackhole", addresses[index].Host + "/32");
    }

    /// <summary>Starts a process inside the namespace.</summary>
    public Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "netns", "exec", Name, file }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
        }
    }

    public void Dispose()
    {
        foreach (var (_, inside) in addresses)
        {
            try
            {
                Run("ip", "route", "del", "blackhole", inside + "/32");
            }
            catch (InvalidOperationException)
            {
            }
        }

        foreach (var link in hostLinks)
        {
            try
            {
                Run("ip", "link", "del", link);
            }
            catch (InvalidOperationException)
            {
            }
        }

        try
        {
            Run("ip", "netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
