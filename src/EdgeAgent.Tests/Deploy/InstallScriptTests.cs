namespace EdgeAgent.Tests.Deploy;

public sealed class InstallScriptTests
{
    [Fact]
    public async Task Running_the_installer_twice_is_safe_and_keeps_an_edited_config()
    {
        using var root = new StagedRoot();
        var app = root.FakeApp();

        var first = await root.InstallAsync("--app-dir", app, "--collector");
        Assert.True(first.ExitCode == 0, first.Error);
        var config = root.Combine("root", "etc", "edgeagent", "edgeagent.json");
        File.WriteAllText(config, "{ \"edited\": true }");

        var second = await root.InstallAsync("--app-dir", app, "--collector");
        Assert.True(second.ExitCode == 0, second.Error);

        Assert.Equal("{ \"edited\": true }", File.ReadAllText(config));
        var passwd = File.ReadAllLines(root.Combine("root", "etc", "passwd"));
        Assert.Single(passwd, l => l.StartsWith("edgeagent:", StringComparison.Ordinal));
        Assert.Single(passwd, l => l.StartsWith("edgeagent-collector:", StringComparison.Ordinal));
        Assert.Contains("/usr/sbin/nologin", passwd.Single(l => l.StartsWith("edgeagent:", StringComparison.Ordinal)), StringComparison.Ordinal);
        var groups = File.ReadAllLines(root.Combine("root", "etc", "group"));
        foreach (var group in new[] { "gpio", "video", "input", "dialout" })
        {
            var line = Assert.Single(groups, l => l.StartsWith(group + ":", StringComparison.Ordinal));
            Assert.Equal(["edgeagent"], line.Split(':')[3].Split(','));
        }

        Assert.True(File.Exists(root.Combine("root", "opt", "edgeagent", "edgeagent")));
        Assert.Equal("/opt/edgeagent/edgeagent", new FileInfo(root.Combine("root", "usr", "local", "bin", "edgeagent")).LinkTarget);
        Assert.True(File.Exists(root.Combine("root", "etc", "systemd", "system", "edgeagent.service")));
        Assert.True(File.Exists(root.Combine("root", "etc", "udev", "rules.d", "60-edgeagent.rules")));
        Assert.False(Directory.Exists(root.Combine("root", "opt", ".edgeagent.new")));
        Assert.True(!OperatingSystem.IsWindows() && (File.GetUnixFileMode(config) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == UnixFileMode.None, "config is world-readable");
    }

    [Fact]
    public async Task Installer_refuses_a_directory_that_is_not_a_published_app()
    {
        using var root = new StagedRoot();
        var empty = root.Combine("empty");
        Directory.CreateDirectory(empty);

        var result = await root.InstallAsync("--app-dir", empty);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a published EdgeAgent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_config_is_valid_apart_from_the_secret_files_a_site_provides()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ConfigLoader.Build(RepositoryFiles.Path("deploy", "edgeagent.example.json"))));

        Assert.All(error.Errors, e => Assert.Matches("^Broker:(CaFile|PasswordFile|CollectorKeys:0): file '/etc/edgeagent/.*' does not exist$", e));
    }
}
