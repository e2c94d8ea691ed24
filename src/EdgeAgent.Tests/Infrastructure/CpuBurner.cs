using System.Diagnostics;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>Keeps every core busy (one spinning process per core) while a test measures timing under load.</summary>
public sealed class CpuBurner : IDisposable
{
    private readonly List<Process> burners = [];

    public CpuBurner(int? processes = null)
    {
        for (var i = 0; i < (processes ?? Environment.ProcessorCount); i++)
        {
            var info = new ProcessStartInfo("sha256sum", "/dev/zero") { UseShellExecute = false, RedirectStandardOutput = true };
            burners.Add(Process.Start(info) ?? throw new InvalidOperationException("sha256sum did not start"));
        }
    }

    public int Count => burners.Count(p => !p.HasExited);

    public void Dispose()
    {
        foreach (var burner in burners)
        {
            if (!burner.HasExited)
            {
                burner.Kill();
                burner.WaitForExit();
            }

            burner.Dispose();
        }
    }
}
