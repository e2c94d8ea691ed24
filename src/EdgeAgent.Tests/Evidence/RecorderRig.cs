using System.Text.Json.Nodes;
using EdgeAgent.Evidence;

namespace EdgeAgent.Tests.Evidence;

/// <summary>
/// The real recorder, procedures, cameras and outbox wired by <c>AddEdgeAgent</c>, without a host: the cameras are
/// started and cam-1 has delivered a frame; tests hand triggers to the stages themselves (<see cref="PipelineDriver.HandleTriggerAsync"/>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RecorderRig : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private RecorderRig(ServiceProvider services) => this.services = services;

    public IServiceProvider Services => services;

    public EvidenceRecorder Recorder => services.GetRequiredService<EvidenceRecorder>();

    public EvidenceOutbox Outbox => services.GetRequiredService<EvidenceOutbox>();

    public CameraRegistry Cameras => services.GetRequiredService<CameraRegistry>();

    /// <summary>Builds the agent from <paramref name="config"/> (written into <paramref name="directory"/>), plus what <paramref name="add"/> registers.</summary>
    public static async Task<RecorderRig> StartAsync(string directory, JsonObject config, Action<IServiceCollection>? add = null)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton<IClockSyncProbe>(new FixedClockSyncProbe(true));
        add?.Invoke(collection);
        var rig = new RecorderRig(collection.AddEdgeAgent(ConfigLoader.Build(AgentConfig.Write(directory, config))).BuildServiceProvider());
        var firstFrame = rig.Cameras.Get("cam-1").NextFrameAsync();
        await rig.Cameras.StartAsync(default);
        await firstFrame.WaitAsync(TimeSpan.FromSeconds(30));
        return rig;
    }

    /// <summary>A trigger of point conveyor-1 now, by BADGE-0042.</summary>
    public static TriggerEvent Trigger(TriggerKind kind, string input, string? step = null) =>
        new("conveyor-1", kind, "test", input, DateTimeOffset.UtcNow, TimeProvider.System.GetTimestamp()) { StepId = step, Operator = "BADGE-0042" };

    public async ValueTask DisposeAsync()
    {
        await Cameras.StopAsync(default);
        await services.DisposeAsync();
    }
}
