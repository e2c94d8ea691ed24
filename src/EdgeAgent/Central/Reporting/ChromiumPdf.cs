using System.Diagnostics;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Prints report pages to PDF with a headless Chromium (print-to-PDF), the form many sites file their records in.
/// Chromium is optional: <see cref="Find"/> says whether there is one.
/// </summary>
public static class ChromiumPdf
{
    private static readonly string[] Candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(120);

    /// <summary>The given executable if it exists, else the first Chromium on <c>PATH</c>; null when there is none.</summary>
    public static string? Find(string? configured = null)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return Candidates
            .SelectMany(name => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Prints <paramref name="htmlPath"/> (images loaded, script run) to <paramref name="pdfPath"/>.</summary>
    public static async Task PrintAsync(string executable, string htmlPath, string pdfPath, CancellationToken cancellationToken = default)
    {
        var profile = Directory.CreateTempSubdirectory("edgeagent-chromium-");
        try
        {
            var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            List<string> args =
            [
                "--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", "--no-pdf-header-footer",
                "--virtual-time-budget=10000", $"--print-to-pdf={Path.GetFullPath(pdfPath)}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            ];
            if (Environment.IsPrivilegedProcess)
            {
                args.Insert(1, "--no-sandbox"); // Chromium refuses to run as root with its sandbox
            }

            args.ForEach(info.ArgumentList.Add);
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not print {htmlPath} within {Timeout.TotalSeconds:0} s");
            }

            await stdout;
            var errors = await stderr;
            if (process.ExitCode != 0 || !File.Exists(pdfPath))
            {
                throw new InvalidOperationException($"chromium exited {process.ExitCode} printing {htmlPath}: {errors.Trim()}");
            }
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
