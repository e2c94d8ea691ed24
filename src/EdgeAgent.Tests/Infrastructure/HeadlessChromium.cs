using System.Diagnostics;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// Debian's real <c>chromium</c>, headless, with its own throw-away profile and no network chatter.
/// Each call is one browser process, bounded in time and killed if it overruns.
/// </summary>
public static class HeadlessChromium
{
    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>The DOM after the load event, as chromium serialises it.</summary>
    public static async Task<string> DumpDomAsync(string url, CancellationToken cancellationToken = default) =>
        await RunAsync(["--dump-dom", "--virtual-time-budget=5000", url], cancellationToken);

    /// <summary>Writes a PNG screenshot of the page.</summary>
    public static async Task ScreenshotAsync(string url, string pngPath, int width = 1280, int height = 1800, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        await RunAsync([$"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", url], cancellationToken);
    }

    private static async Task<string> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var executable = Executable ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium)");
        using var profile = new TempDirectory();
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.Path}", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 60 s: " + await stderr);
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chromium exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
