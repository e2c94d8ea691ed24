using EdgeAgent.Evidence;
using EdgeAgent.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Tests.Health;

public sealed class HealthGradingTests
{
    private sealed class FixedDisk(double freePercent) : IDiskSpaceProbe
    {
        public DiskSpace Measure(string path) => new((long)(freePercent * 1_000_000), 100_000_000);
    }

    private sealed class FixedThermal(double? celsius) : IThermalProbe
    {
        public double? ReadCelsius() => celsius;
    }

    private static async Task<HealthReport> CollectAsync(double diskFreePercent, bool clockSynchronised, double? cpu = null)
    {
        await using var agent = await AgentHarness.BuildAsync(services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IDiskSpaceProbe>(new FixedDisk(diskFreePercent)));
            s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(clockSynchronised)));
            s.Replace(ServiceDescriptor.Singleton<IThermalProbe>(new FixedThermal(cpu)));
        });
        return await agent.Get<HealthCollector>().CollectAsync();
    }

    [Fact]
    public async Task An_unsynchronised_clock_degrades_health()
    {
        var report = await CollectAsync(50, clockSynchronised: false);

        Assert.Equal("degraded", report.Status);
        Assert.Contains(report.Problems, p => p.StartsWith("clock: not synchronised", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5.0, "degraded")] // below DiskLowPercent (10)
    [InlineData(1.0, "failing")] // below a fifth of it
    public async Task Low_disk_degrades_then_fails(double freePercent, string status)
    {
        var report = await CollectAsync(freePercent, clockSynchronised: true);

        Assert.Equal(status, report.Status);
        Assert.Contains(report.Problems, p => p.StartsWith("disk:", StringComparison.Ordinal));
        Assert.Equal(freePercent, report.Disk.FreePercent);
    }

    [Fact]
    public async Task A_hot_cpu_is_reported_with_its_temperature()
    {
        var report = await CollectAsync(50, clockSynchronised: true, cpu: 85.5);

        Assert.Equal(85.5, report.CpuTemperatureC);
        Assert.Contains("cpu: 86 °C", report.Problems);
    }

    [Fact]
    public async Task Changing_numbers_in_a_problem_do_not_count_as_a_change_but_a_new_problem_does()
    {
        var report = await CollectAsync(5.0, clockSynchronised: true);

        var later = report with { Problems = [.. report.Problems.Select(p => p.Replace("5%", "4.9%", StringComparison.Ordinal))] };
        var worse = report with { Problems = [.. report.Problems, "clock: not synchronised"] };

        Assert.NotEqual(report.Problems, later.Problems);
        Assert.Equal(report.Signature(), later.Signature());
        Assert.NotEqual(report.Signature(), worse.Signature());
    }
}
