using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>SIGTERM, as systemd stops a service, and a bounded wait for the process to exit.</summary>
public static class Signals
{
    public static async Task<int> TerminateAsync(Process process, TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(timeout);
        return process.ExitCode;
    }
}
