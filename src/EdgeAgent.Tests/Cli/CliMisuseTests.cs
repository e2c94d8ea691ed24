using System.Diagnostics;

namespace EdgeAgent.Tests.Cli;

/// <summary>
/// Every misuse a technician is likely to make, against a real agent process: each gets the documented exit code,
/// a message naming the valid choice, and never a stack trace.
/// </summary>
public sealed class CliMisuseTests(CliMisuseTests.RunningAgent agent) : IClassFixture<CliMisuseTests.RunningAgent>
{
    // {socket}, {config}, {dir} and {typo} are replaced with the running agent's socket, its config file, a scratch
    // directory and a config with a misspelt key.
    public static TheoryData<string, int, string> Misuses() => new()
    {
        { "frobnicate", 64, "valid commands: run, demo, collect, trigger" },
        { "status --bogus", 64, "--socket" },
        { "snapshot --socket {socket} --camera cam-1", 64, "--output" },
        { "verify", 64, "DIR" },
        { "collect --broker mqtt://127.0.0.1:1", 64, "--output" },
        { "trigger --socket {socket} --input lock-a --state maybe", 64, "'on'" },
        { "trigger --socket {socket} --step nonsense", 64, "valid steps: isolated, locked, zero-energy-verified" },
        { "trigger --socket {socket} --state on", 64, "valid inputs: lock-a" },
        { "trigger --socket {socket} --point nope", 64, "valid points: conveyor-1" },
        { "trigger --socket {socket} --input nope --state on", 64, "valid inputs: lock-a" },
        { "trigger --socket {socket} --input lock-a", 64, "valid states: on, off" },
        { "trigger --config {config} --point nope", 64, "valid points: conveyor-1" },
        { "trigger --config {config} --json --step nonsense", 64, "\"error\":\"unknown step 'nonsense'" },
        { "snapshot --socket {socket} --camera nope -o {dir}/a.jpg", 64, "valid: cam-1" },
        { "snapshot --socket {socket} --camera cam-1 -o /nonexistent/dir/a.jpg", 64, "/nonexistent/dir does not exist" },
        { "commission --config {config} --camera nope", 64, "valid: cam-1" },
        { "status --socket /nonexistent/edgeagent.sock", 69, "no agent listening on /nonexistent/edgeagent.sock" },
        { "trigger --socket /nonexistent/edgeagent.sock", 69, "no agent listening on /nonexistent/edgeagent.sock" },
        { "status --config /nonexistent/edgeagent.json", 78, "/nonexistent/edgeagent.json" },
        { "key --config {typo}", 78, "did you mean Gpio?" },
        { "run --config {typo}", 78, "Gpoi: unknown key; did you mean Gpio?" },
        { "verify /nonexistent/store", 64, "is neither a directory nor an s3://bucket location" },
    };

    [Theory]
    [MemberData(nameof(Misuses))]
    public async Task Misuse_gets_its_exit_code_and_the_valid_choice_without_a_stack_trace(string commandLine, int expectedExit, string expectedText)
    {
        var args = commandLine.Replace("{socket}", agent.SocketPath, StringComparison.Ordinal)
            .Replace("{config}", agent.ConfigPath, StringComparison.Ordinal)
            .Replace("{dir}", agent.Directory.Path, StringComparison.Ordinal)
            .Replace("{typo}", agent.TypoConfigPath, StringComparison.Ordinal)
            .Split(' ');
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(args, output, error);

        var said = output + "\n" + error;
        Assert.True(expectedExit == exit, $"exit {exit}, expected {expectedExit}: {said}");
        Assert.Contains(expectedText, said, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", said, StringComparison.Ordinal);
        Assert.DoesNotContain("edgeagent:80", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepted_trigger_prints_a_sentence_and_its_records_not_json()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["trigger", "--config", agent.ConfigPath, "--step", "isolated", "--operator", "tester"], output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.StartsWith("point conveyor-1: step isolated recorded, 1 record(s)", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("{", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_process_refuses_an_unknown_state_with_64_and_no_stack_trace()
    {
        // The one that used to abort with exit 134 and an unhandled InvalidOperationException: run the real binary.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "edgeagent.dll"), "trigger", "--socket", agent.SocketPath, "--input", "lock-a", "--state", "maybe" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(64, process.ExitCode);
        Assert.Contains("'maybe'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + await stdout, StringComparison.Ordinal);
    }

    /// <summary>One real <c>edgeagent run</c> for the whole table: one point, one camera, one simulated lock input.</summary>
    public sealed class RunningAgent : IAsyncLifetime
    {
        private AgentProcess? process;

        public TempDirectory Directory { get; } = new();

        public string SocketPath => Directory.Combine("control.sock");

        public string ConfigPath { get; private set; } = "";

        public string TypoConfigPath { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var config = AgentConfig.Baseline(Directory.Path, "mqtt://127.0.0.1:1");
            ConfigPath = AgentConfig.Write(Directory.Path, config);
            var typo = AgentConfig.Baseline(Directory.Path, "mqtt://127.0.0.1:1");
            typo["Gpoi"] = typo["Gpio"]!.DeepClone();
            typo.Remove("Gpio");
            System.IO.Directory.CreateDirectory(Directory.Combine("typo"));
            TypoConfigPath = AgentConfig.Write(Directory.Combine("typo"), typo);
            process = await AgentProcess.StartAsync(ConfigPath, SocketPath);
        }

        public Task DisposeAsync()
        {
            process?.Dispose();
            Directory.Dispose();
            return Task.CompletedTask;
        }
    }
}
