using EdgeAgent.Evidence;
using System.Net.Http.Json;
using EdgeAgent.Configuration;
using EdgeAgent.Control;
using EdgeAgent.Health;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Doctor;

/// <summary>
/// <c>edgeagent doctor</c>: checks everything a point needs, whether or not the agent runs. When it runs,
/// devices the agent holds (cameras, GPIO lines) are judged from its health report instead of being opened twice.
/// </summary>
public sealed class FieldDoctor(IClockSyncProbe clock, IDiskSpaceProbe disk, string etcDirectory = "/etc")
{
    public TimeSpan CameraTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BrokerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public async IAsyncEnumerable<DoctorResult> RunAsync(string configPath, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IConfigurationRoot? configuration = null;
        EdgeAgentOptions? agent = null;
        IReadOnlyList<string> errors = [];
        try
        {
            configuration = ConfigLoader.Build(configPath);
            agent = ConfigLoader.Load(configuration);
        }
        catch (ConfigException ex)
        {
            errors = ex.Errors;
        }

        if (configuration is null || agent is null)
        {
            var fix = File.Exists(configPath)
                ? $"fix the named keys in {configPath} (edgeagent.example.json next to it shows every key)"
                : $"copy /etc/edgeagent/edgeagent.example.json to {configPath} and edit it, or pass --config FILE";
            yield return DoctorResult.Fail("config", string.Join("; ", errors), fix);
            yield break;
        }

        yield return DoctorResult.Pass("config", $"{configPath}: device {agent.DeviceId}, {agent.Points.Count} point(s), {agent.Cameras.Count} camera(s), {agent.Inputs.Count} input(s)");

        // The running agent is reported on its own, labelled. Its view of cameras and inputs stands in for this
        // file's only when it runs this very file; otherwise the file's devices are checked directly.
        var agentView = await AskRunningAgentAsync(agent.Control.SocketPath, cancellationToken);
        var running = agentView?.Health;
        var checkedFile = Path.GetFullPath(configPath);
        if (agentView is null)
        {
            yield return DoctorResult.Warn("agent", $"not running (nothing answers on {agent.Control.SocketPath})", "start it: sudo systemctl start edgeagent; if it keeps stopping: journalctl -u edgeagent -e");
        }
        else if (agentView.ConfigFile != checkedFile)
        {
            yield return DoctorResult.Warn("agent", $"running, version {agentView.Health.Version}, health {agentView.Health.Status}, but it runs {agentView.ConfigFile ?? "an unknown config"}, not {checkedFile}: the checks below are of this file, not of what the running agent sees", $"compare the two files, or check the running one: edgeagent doctor --config {agentView.ConfigFile ?? ConfigLoader.DefaultPath}");
            running = null;
        }
        else
        {
            yield return DoctorResult.Pass("agent", $"running, version {running!.Version}, up {running.UptimeSeconds:0} s, health {running.Status}, runs this file");
        }

        var references = new Capture.Quality.SceneReferenceStore(agent.StateDirectory);
        foreach (var camera in agent.Cameras)
        {
            var reference = References(references, camera.Id);
            var seen = running?.Cameras.FirstOrDefault(c => c.Id == camera.Id);
            var latency = new Capture.StreamLatency(Capture.CameraReaderSettings.From(camera));
            yield return seen is not null
                ? CameraCheck.FromAgent(seen)
                : await CameraCheck.RunAsync(camera, CameraTimeout, reference, latency, cancellationToken);
            if (camera.Kind != "synthetic")
            {
                yield return seen is not null ? TimingCheck.FromAgent(seen) : TimingCheck.From(camera.Id, latency.Reading);
            }

            yield return CameraCheck.Reference(camera.Id, seen?.ReferenceCommissioned ?? reference is not null);
        }

        yield return FontCheck.Run(agent);

        foreach (var result in HostChecks.Gpio(agent, running))
        {
            yield return result;
        }

        foreach (var result in HostChecks.Scanners(configuration))
        {
            yield return result;
        }

        yield return await BrokerCheck.RunAsync(agent, BrokerTimeout, cancellationToken);
        yield return HostChecks.Clock(clock);
        yield return HostChecks.Disk(agent, disk);
        yield return HostChecks.Permissions(etcDirectory);
    }

    /// <summary>The commissioned reference, or null (also when the state directory cannot be read by this user).</summary>
    private static Capture.RawFrame? References(Capture.Quality.SceneReferenceStore store, string cameraId)
    {
        try
        {
            return store.Load(cameraId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The running agent's health and the config file it runs, or null when nothing answers.</summary>
    private static async Task<RunningAgent?> AskRunningAgentAsync(string socketPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath))
        {
            return null;
        }

        using var client = new ControlClient(socketPath);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await client.GetAsync("v1/health", deadline.Token);
            var health = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<HealthReport>(HealthJson.Options, deadline.Token) : null;
            if (health is null)
            {
                return null;
            }

            using var status = await client.GetAsync("v1/status", deadline.Token);
            using var document = System.Text.Json.JsonDocument.Parse(await status.Content.ReadAsStringAsync(deadline.Token));
            var configFile = document.RootElement.TryGetProperty("configFile", out var file) ? file.GetString() : null;
            return new RunningAgent(health, configFile);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record RunningAgent(HealthReport Health, string? ConfigFile);
}
