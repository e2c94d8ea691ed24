using EdgeAgent.Evidence;
using EdgeAgent.Health;
using EdgeAgent.Doctor;

namespace EdgeAgent.Tests.Health;

public sealed class ProbeTests
{
    [Fact]
    public void Thermal_probe_prefers_the_cpu_zone_and_reads_millidegrees()
    {
        using var sys = new TempDirectory();
        Zone(sys, 0, "acpitz", "40000");
        Zone(sys, 1, "cpu-thermal", "55123");

        Assert.Equal(55.123, new SysfsThermalProbe(sys.Path).ReadCelsius());
    }

    [Fact]
    public void Thermal_probe_falls_back_to_any_readable_zone_and_to_null_without_sensors()
    {
        using var sys = new TempDirectory();
        Assert.Null(new SysfsThermalProbe(sys.Combine("absent")).ReadCelsius());
        Zone(sys, 0, "cpu-thermal", "garbage");
        Zone(sys, 1, "board", "31500");

        Assert.Equal(31.5, new SysfsThermalProbe(sys.Path).ReadCelsius());
    }

    [Fact]
    public void Disk_probe_measures_the_file_system_of_a_directory_that_does_not_exist_yet()
    {
        using var dir = new TempDirectory();

        var space = new StatvfsDiskSpaceProbe().Measure(dir.Combine("not", "yet"));

        Assert.InRange(space.FreeBytes, 1, space.TotalBytes);
    }

    [Fact]
    public void Clock_probe_reads_the_kernel_without_error()
    {
        var clock = ClockSync.From(new LinuxClockSyncProbe().Read());

        Assert.Equal("adjtimex", clock.Source);
        Assert.Equal(clock.Synchronised, clock.MaxErrorMs is not null);
    }

    [RootFact]
    public void A_full_state_disk_is_a_doctor_failure_measured_on_a_real_tmpfs()
    {
        using var dir = new TempDirectory();
        using var tmpfs = SmallDisk.Mount(dir.Combine("tmpfs"), "256k");
        tmpfs.FillUp();
        var agent = new EdgeAgentOptions { StateDirectory = Path.Combine(tmpfs.Path, "state") };

        var result = HostChecks.Disk(agent, new StatvfsDiskSpaceProbe());

        Assert.Equal(DoctorOutcome.Fail, result.Outcome);
        Assert.StartsWith("0 MiB free (0%)", result.Detail, StringComparison.Ordinal);
    }

    private static void Zone(TempDirectory sys, int n, string type, string temp)
    {
        var zone = sys.Combine($"thermal_zone{n}");
        Directory.CreateDirectory(zone);
        File.WriteAllText(Path.Combine(zone, "type"), type + "\n");
        File.WriteAllText(Path.Combine(zone, "temp"), temp + "\n");
    }
}
