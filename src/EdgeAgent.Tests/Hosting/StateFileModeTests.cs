namespace EdgeAgent.Tests.Hosting;

/// <summary>
/// Outside systemd (umask 022) the state the agent writes is still its own: every file 0600, every directory 0700,
/// from the moment it exists (outbox.db and its -wal/-shm, telemetry, device key, chain head, state json, overlays).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateFileModeTests : IDisposable
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task State_files_are_0600_and_directories_0700_under_umask_022()
    {
        var state = temp.Combine("state");
        var config = AgentConfig.Baseline(state, "mqtt://127.0.0.1:1");
        config["Control"] = new System.Text.Json.Nodes.JsonObject { ["SocketPath"] = temp.Combine("control.sock") };
        using var agent = await AgentProcess.StartAsync(AgentConfig.Write(temp.Path, config), temp.Combine("control.sock"), umask: "022");
        Assert.Single(await agent.TriggerAsync("isolated")); // outbox, point state and overlay written

        var files = Directory.GetFiles(state, "*", SearchOption.AllDirectories);
        Assert.Contains(Path.Combine(state, "outbox.db"), files);
        Assert.Contains(Path.Combine(state, "outbox.db-wal"), files);
        Assert.Contains(Path.Combine(state, "device-key.pem"), files);
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerFile, $"{f} is {File.GetUnixFileMode(f)}"));
        Assert.All(Directory.GetDirectories(state, "*", SearchOption.AllDirectories).Append(state), d => Assert.True(File.GetUnixFileMode(d) == OwnerDirectory, $"{d} is {File.GetUnixFileMode(d)}"));
    }

    public void Dispose() => temp.Dispose();
}
