namespace EdgeAgent.Tests.Deploy;

public sealed class SystemdUnitTests
{
    private static readonly string AgentUnit = File.ReadAllText(RepositoryFiles.Path("deploy", "systemd", "edgeagent.service"));

    private static IEnumerable<string> Directives(string unit) =>
        unit.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';' or '['));

    [SystemdAnalyzeFact]
    public async Task Installed_units_pass_systemd_analyze_verify_without_a_single_warning()
    {
        using var root = new StagedRoot();
        var install = await root.InstallAsync("--app-dir", root.FakeApp(), "--collector");
        Assert.True(install.ExitCode == 0, install.Error);

        var verify = await root.VerifyAsync("edgeagent.service", "edgeagent-collector.service");

        // verify exits 0 even when it ignores a misspelt directive, so any output at all is a failure.
        Assert.True(verify.ExitCode == 0 && verify.Output.Length == 0 && verify.Error.Length == 0, $"exit {verify.ExitCode}\n{verify.Output}\n{verify.Error}");
    }

    [SystemdAnalyzeFact]
    public async Task Verify_catches_a_misspelt_directive_so_the_check_above_can_fail()
    {
        using var root = new StagedRoot();
        Assert.Equal(0, (await root.InstallAsync("--app-dir", root.FakeApp())).ExitCode);
        var unit = root.Combine("root", "etc", "systemd", "system", "edgeagent.service");
        File.WriteAllText(unit, File.ReadAllText(unit).Replace("KillMode=mixed", "KillMode=mixd", StringComparison.Ordinal));

        var verify = await root.VerifyAsync("edgeagent.service");

        Assert.Contains("mixd", verify.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("WatchdogSec=30s")]
    [InlineData("Restart=on-failure")]
    [InlineData("RestartPreventExitStatus=78")]
    [InlineData("StartLimitIntervalSec=0")]
    [InlineData("User=edgeagent")]
    [InlineData("SupplementaryGroups=gpio video input dialout")]
    [InlineData("StateDirectory=edgeagent")]
    [InlineData("ConfigurationDirectory=edgeagent")]
    [InlineData("RuntimeDirectory=edgeagent")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("PrivateTmp=yes")]
    [InlineData("DevicePolicy=closed")]
    [InlineData("DeviceAllow=char-gpiochip rw")]
    [InlineData("DeviceAllow=char-video4linux rw")]
    [InlineData("DeviceAllow=char-input rw")]
    [InlineData("DeviceAllow=char-ttyUSB rw")]
    [InlineData("DeviceAllow=char-ttyACM rw")]
    [InlineData("StandardOutput=journal")]
    [InlineData("UMask=0007")]
    public void Agent_unit_sets(string directive) => Assert.Contains(directive, Directives(AgentUnit));

    [Theory]
    [InlineData("MemoryDenyWriteExecute")] // breaks the .NET JIT
    [InlineData("PrivateDevices")] // hides cameras and GPIO
    [InlineData("ProtectClock")] // its syscall filter blocks the adjtimex(2) clock check
    public void Agent_unit_never_sets(string key) =>
        Assert.DoesNotContain(Directives(AgentUnit), d => d.StartsWith(key + "=", StringComparison.Ordinal));

    [Fact]
    public void Agent_unit_points_state_and_socket_at_the_directories_systemd_creates()
    {
        var directives = Directives(AgentUnit).ToList();
        Assert.Contains("Environment=EDGEAGENT__StateDirectory=%S/edgeagent", directives);
        Assert.Contains("Environment=EDGEAGENT__Control__SocketPath=%t/edgeagent/control.sock", directives);
    }
}
