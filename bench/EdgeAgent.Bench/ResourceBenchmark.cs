using System.Diagnostics;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Bench;

/// <summary>CPU per camera stream against ffmpeg alone, peak RSS with one and two streams, and start-up time.</summary>
public static class ResourceBenchmark
{
    /// <summary>CPU cores used by a whole agent (its ffmpeg child included) reading one stream.</summary>
    public static async Task<double> AgentCpuAsync(BenchOptions options, string brokerUrl, string streamUrl)
    {
        using var agent = await BenchAgent.StartAsync(Path.Combine(options.WorkDirectory, "cpu-agent"), brokerUrl, streamUrl, 1, options.Width, options.Height);
        await Task.Delay(options.CpuWarmup);
        return await CpuOverWindowAsync(agent.Pid, options.CpuWindow);
    }

    /// <summary>CPU cores used by <c>ffmpeg</c> alone decoding the same stream to nothing.</summary>
    public static async Task<double> FfmpegCpuAsync(BenchOptions options, string streamUrl)
    {
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", streamUrl, "-vf", $"scale={options.Width}:{options.Height}", "-pix_fmt", "bgr24", "-f", "null", "-"]) { UseShellExecute = false, RedirectStandardInput = true })!;
        try
        {
            await Task.Delay(options.CpuWarmup); // past connection set-up, as for the agent
            return await CpuOverWindowAsync(ffmpeg.Id, options.CpuWindow);
        }
        finally
        {
            ffmpeg.Kill();
            await ffmpeg.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Peak RSS (MiB) of the agent process, and of the agent plus its ffmpeg children, with <paramref name="cameras"/>
    /// streams, each with a 48 MiB pre-trigger ring, and a trigger (4 ring photos + 1 fresh per camera, each assessed,
    /// encoded, stamped and queued) every 5 s, or once in a shorter window: far more than a site makes.
    /// </summary>
    public static async Task<(double Agent, double Tree, TimeSpan Startup)> PeakRssAsync(BenchOptions options, string brokerUrl, string streamUrl, int cameras)
    {
        using var agent = await BenchAgent.StartAsync(Path.Combine(options.WorkDirectory, $"rss-{cameras}"), brokerUrl, streamUrl, cameras, options.Width, options.Height, preTriggerMegabytes: 48);
        var window = Stopwatch.StartNew();
        while (window.Elapsed < options.CpuWindow)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, options.CpuWindow.TotalSeconds)));
            await agent.TriggerAsync(null, "p1");
        }

        return (ProcStat.PeakRssMiB(agent.Pid), ProcStat.PeakRssTreeMiB(agent.Pid), agent.StartupToReady);
    }

    /// <summary>Wall time of the bare runtime starting the same executable and exiting (<c>edgeagent --help</c>).</summary>
    public static async Task<TimeSpan> BareStartAsync()
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("dotnet", [AgentProcess.AgentDll, "--help"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return clock.Elapsed;
    }

    private static async Task<double> CpuOverWindowAsync(int pid, TimeSpan window)
    {
        var before = ProcStat.CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = ProcStat.CpuSeconds(pid);
        return (after - before) / clock.Elapsed.TotalSeconds;
    }
}
