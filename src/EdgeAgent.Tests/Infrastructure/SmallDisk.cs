using System.Diagnostics;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>A real tmpfs of a few MiB (needs root), unmounted on dispose: a disk that really fills up.</summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(string directory, string size = "2m")
    {
        Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", directory);
        return new SmallDisk(directory);
    }

    /// <summary>Takes up space with a file, so the test can give it back later.</summary>
    public string Fill(string name, int bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    /// <summary>Writes until the file system refuses: a disk that is completely full.</summary>
    public void FillUp(string name = "filler")
    {
        using var file = new FileStream(System.IO.Path.Combine(Path, name), FileMode.Create);
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
            // ENOSPC: full
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}. These tests need root for tmpfs.");
        }
    }

    public void Dispose() => Run("umount", "-l", Path);
}
