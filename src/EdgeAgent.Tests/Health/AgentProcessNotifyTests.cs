using System.Diagnostics;
using EdgeAgent.Demo;
using EdgeAgent.Tests.Deploy;

namespace EdgeAgent.Tests.Health;

public sealed class AgentProcessNotifyTests
{
    [Fact]
    public async Task Real_agent_process_sends_READY_WATCHDOG_and_STOPPING_to_NOTIFY_SOCKET()
    {
        using var dir = new TempDirectory();
        using var systemd = new NotifySocketListener(dir.Combine("notify"));
        await using var broker = await InProcessBroker.StartAsync();
        var config = AgentConfig.Write(dir.Path, AgentConfig.Baseline(dir.Path, broker.Url));
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "edgeagent")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "run", "--config", config })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NOTIFY_SOCKET"] = systemd.Path;
        info.Environment["WATCHDOG_USEC"] = "1000000";
        using var agent = Process.Start(info)!;
        var stderr = agent.StandardError.ReadToEndAsync();
        var stdout = agent.StandardOutput.ReadToEndAsync();
        try
        {
            await systemd.WaitForAsync("READY=1", TimeSpan.FromSeconds(30));
            await systemd.WaitForAsync("WATCHDOG=1");

            var term = await ChildProcess.RunAsync("/bin/kill", ["-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, term.ExitCode);
            await systemd.WaitForAsync("STOPPING=1");
            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(agent.ExitCode == 0, $"exit {agent.ExitCode}: {await stderr}{await stdout}");
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }
}
