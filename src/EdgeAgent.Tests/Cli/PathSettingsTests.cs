using System.Diagnostics;
using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Cli;

/// <summary>
/// Path settings the kernel cannot honour are configuration errors: the real <c>edgeagent run</c> exits 78 naming
/// the key (never an unhandled exception), and a socket path naming a regular file never deletes it.
/// </summary>
public sealed class PathSettingsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public static TheoryData<string, string> BadPaths() => new()
    {
        { "empty-socket-path", "Control:SocketPath" },
        { "socket-path-over-sun-path", "Control:SocketPath" },
        { "state-directory-under-proc", "StateDirectory" },
    };

    [Theory]
    [MemberData(nameof(BadPaths))]
    public async Task Unusable_path_setting_refuses_to_start_with_exit_78_naming_the_key(string breakage, string key)
    {
        var config = AgentConfig.Baseline(temp.Combine("state"), "mqtt://127.0.0.1:1");
        switch (breakage)
        {
            case "empty-socket-path":
                config["Control"] = new JsonObject { ["SocketPath"] = "" };
                break;
            case "socket-path-over-sun-path":
                config["Control"] = new JsonObject { ["SocketPath"] = "/tmp/" + new string('s', 120) + ".sock" };
                break;
            case "state-directory-under-proc":
                config["StateDirectory"] = "/proc/edgeagent";
                break;
        }

        var (exit, stderr) = await RunAsync(AgentConfig.Write(temp.Path, config));

        Assert.Equal(78, exit);
        Assert.Contains(key, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Socket_path_naming_a_regular_file_is_refused_and_the_file_is_kept()
    {
        var precious = temp.Combine("precious.txt");
        await File.WriteAllTextAsync(precious, "not a socket");
        var config = AgentConfig.Baseline(temp.Combine("state"), "mqtt://127.0.0.1:1");
        config["Control"] = new JsonObject { ["SocketPath"] = precious };

        var (exit, stderr) = await RunAsync(AgentConfig.Write(temp.Path, config));

        Assert.Equal(78, exit);
        Assert.Contains("Control:SocketPath", stderr, StringComparison.Ordinal);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(precious));
    }

    /// <summary>The real CLI as a child process; killed (and the test failed) if it starts instead of refusing.</summary>
    private static async Task<(int Exit, string Stderr)> RunAsync(string configPath)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "edgeagent.dll"), "run", "--config", configPath })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the agent started instead of refusing its configuration: " + await stdout);
        }

        return (process.ExitCode, await stderr + await stdout);
    }

    public void Dispose() => temp.Dispose();
}
