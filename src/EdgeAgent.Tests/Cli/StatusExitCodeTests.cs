using EdgeAgent.Evidence;
using EdgeAgent.Health;
using EdgeAgent.Tests.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Tests.Cli;

/// <summary><c>status</c> exits 1 failing, 2 degraded, 3 when only the clock is untrusted: a site without NTP does not always "fail".</summary>
public sealed class StatusExitCodeTests
{
    [Fact]
    public async Task Each_health_level_has_its_own_exit_code_and_the_clock_alone_is_a_warning()
    {
        HealthReport report;
        await using (var agent = await AgentHarness.BuildAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(false)))))
        {
            report = await agent.Get<HealthCollector>().CollectAsync(); // not started: the broker is not connected either
        }

        var clockOnly = report with { Problems = [.. report.Problems.Where(p => p.StartsWith(HealthCollector.ClockProblemPrefix, StringComparison.Ordinal))] };
        var synchronised = clockOnly with { Status = "ok", Problems = [], Clock = report.Clock with { Synchronised = true } };

        Assert.Equal("degraded", report.Status);
        Assert.Contains(report.Problems, p => p.StartsWith("broker:", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Degraded, StatusCommand.ExitCodeOf(report));
        Assert.Equal(ExitCodes.ClockUntrusted, StatusCommand.ExitCodeOf(clockOnly));
        Assert.Equal(ExitCodes.Failure, StatusCommand.ExitCodeOf(report with { Status = "failing" }));
        Assert.Equal(ExitCodes.Ok, StatusCommand.ExitCodeOf(synchronised));

        using var table = new StringWriter();
        StatusTable.Write(table, clockOnly);
        Assert.Contains("clock    WARNING: not synchronised", table.ToString(), StringComparison.Ordinal);
    }
}
