using System.Diagnostics;
using EdgeAgent.Tests.Cli;

namespace EdgeAgent.Tests.Bench;

/// <summary>Keeps the benchmark working: a short run must produce every row with numbers. Timing never decides the outcome.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_run_prints_every_measure_with_a_baseline()
    {
        // The benchmark is built by the solution next to the tests, in the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(ExampleConfigTests.RepoRoot(), "bench", "EdgeAgent.Bench", "bin", configuration, "net10.0", "edgeagent-bench.dll");
        Assert.True(File.Exists(dll), $"benchmark not built at {dll}; build EdgeAgent.sln");

        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--smoke"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8)); // about 40 s alone; minutes on a loaded machine
        var output = await stdout;

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        foreach (var measure in new[] { "trigger → record at broker, p50", "trigger → record at broker, p99", "frame offset at trigger, p50",
            "lock edge → trigger event at the capture stage, debounce 0 ms, p50", "lock edge → trigger event at the capture stage, debounce 0 ms, p99",
            "lock edge → trigger event at the capture stage, debounce 50 ms, p50", "lock edge → trigger event at the capture stage, debounce 50 ms, p99",
            "trigger → encoded JPEG (capture + quality + encode), p50", "trigger → encoded JPEG (capture + quality + encode), p99",
            "frame offset at capture, p50", "CPU per 640x360 stream", "CPU per 1280x720 stream",
            "backlog drain, records/s", "backlog drain, MB/s", "collector per record without MQTT", "peak RSS, 1 stream", "peak RSS, 2 streams", "start-up to READY" })
        {
            var row = output.Split('\n').SingleOrDefault(l => l.StartsWith("| " + measure, StringComparison.Ordinal));
            Assert.True(row is not null, $"no row '{measure}' in\n{output}");
            Assert.DoesNotContain("| n/a | n/a | n/a |", row, StringComparison.Ordinal);
            Assert.Matches(@"\| -?\d", row);
        }
    }
}
