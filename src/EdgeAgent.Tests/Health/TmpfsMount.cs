using EdgeAgent.Tests.Deploy;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Tests.Health;

/// <summary>A small real tmpfs, for a disk that really is full. Needs root (CAP_SYS_ADMIN).</summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private readonly TempDirectory directory = new();

    private TmpfsMount()
    {
    }

    public string Path => directory.Path;

    public static async Task<TmpfsMount> MountAsync(int kilobytes)
    {
        var mount = new TmpfsMount();
        var result = await ChildProcess.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", mount.Path]);
        Assert.True(result.ExitCode == 0, "mount tmpfs: " + result.Error);
        return mount;
    }

    /// <summary>Fills the file system until a write fails.</summary>
    public void Fill()
    {
        using var file = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush(true);
            }
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.RunAsync("umount", ["-l", Path]);
        directory.Dispose();
    }
}

/// <summary>A fact that needs root, e.g. to mount a tmpfs.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to mount a tmpfs (run the tests as root, as CI does)";
        }
    }
}
