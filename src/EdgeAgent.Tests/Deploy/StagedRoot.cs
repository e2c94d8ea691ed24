namespace EdgeAgent.Tests.Deploy;

/// <summary>
/// A file-system root for <c>install.sh</c> (DESTDIR) and <c>systemd-analyze verify --root</c>: it holds a copy
/// of the system's unit directory so the verifier resolves targets such as <c>multi-user.target</c>.
/// </summary>
public sealed class StagedRoot : IDisposable
{
    private readonly TempDirectory directory = new();

    public string Path => directory.Path;

    public string Combine(params string[] parts) => directory.Combine(parts);

    /// <summary>A stand-in for the published app: the installer only needs an executable <c>edgeagent</c>.</summary>
    public string FakeApp()
    {
        var app = directory.Combine("app");
        Directory.CreateDirectory(app);
        var exe = System.IO.Path.Combine(app, "edgeagent");
        File.WriteAllText(exe, "#!/bin/sh\necho edgeagent\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return app;
    }

    public Task<(int ExitCode, string Output, string Error)> InstallAsync(params string[] args) =>
        ChildProcess.RunAsync("/bin/sh", [RepositoryFiles.Path("deploy", "install.sh"), .. args], new Dictionary<string, string> { ["DESTDIR"] = Combine("root") });

    /// <summary>Runs <c>systemd-analyze verify</c> on units installed in the staged root.</summary>
    public async Task<(int ExitCode, string Output, string Error)> VerifyAsync(params string[] units)
    {
        var root = Combine("root");
        CopyDirectory("/usr/lib/systemd/system", System.IO.Path.Combine(root, "usr/lib/systemd/system"));
        return await ChildProcess.RunAsync(SystemdAnalyzeFactAttribute.Path, ["verify", "--man=no", "--root=" + root, .. units.Select(u => "/etc/systemd/system/" + u)]);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var info = new FileInfo(file);
            var target = System.IO.Path.Combine(to, info.Name);
            if (info.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else
            {
                File.Copy(file, target, overwrite: true);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget is null)
            {
                CopyDirectory(dir, System.IO.Path.Combine(to, info.Name));
            }
        }
    }

    public void Dispose() => directory.Dispose();
}
