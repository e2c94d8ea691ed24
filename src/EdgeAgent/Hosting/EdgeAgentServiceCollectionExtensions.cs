using EdgeAgent.Capture;
using EdgeAgent.Capture.Overlay;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;
using EdgeAgent.Health;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using EdgeAgent.Scanning;
using EdgeAgent.Triggers;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hosting;

/// <summary>The one composition root: the whole path from trigger to uplink.</summary>
public static class EdgeAgentServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, IConfiguration configuration)
    {
        // Validated once, by ConfigLoader.Load (key names, exit 78): AgentHost registers the options it loaded before
        // this; anyone else gets them loaded and validated on first use.
        services.TryAddSingleton<IOptions<EdgeAgentOptions>>(_ => Options.Create(ConfigLoader.Load(configuration)));
        services.TryAddSingleton(TimeProvider.System);

        // Trigger → procedure step → capture → evidence record → outbox → uplink.
        services.AddSingleton<TriggerBus>();
        services.AddSingleton<GpioDriverProvider>();
        services.AddSingleton<LockInputService>();
        services.AddSingleton(sp => ProcedureRegistry.Open(sp.GetRequiredService<IOptions<EdgeAgentOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFrameSourceFactory, FrameSourceFactory>();
        services.AddSingleton<CameraRegistry>();
        services.TryAddSingleton<Capture.Clips.IClipSource, Capture.Clips.RingClipSource>(); // clips from the compressed rings (issue 17)
        services.AddSingleton(sp =>
        {
            // On a full disk, non-evidence goes before any evidence is refused: overlay copies first, then telemetry.
            var outbox = EvidenceOutbox.Open(Path.Combine(sp.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.StateDirectory, "outbox.db"), sp.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.Outbox);
            outbox.Space.AddReclaimer("overlays", sp.GetRequiredService<CameraRegistry>().Overlays.DropAll);
            outbox.Space.AddReclaimer("telemetry", () => sp.GetRequiredService<TelemetryQueue>().DropAll());
            return outbox;
        });
        services.AddSingleton<Platform.IEvidenceRoom>(sp => sp.GetRequiredService<EvidenceOutbox>()); // the procedure stage's room check
        services.AddSingleton<RecorderActivity>();
        services.AddSingleton<DecisionBus>();
        services.AddSingleton<ProcedureStage>();
        services.AddSingleton<CaptureBus>();
        services.AddSingleton<CaptureStage>();
        services.AddSingleton(sp =>
        {
            // Overlay copies react to "record stored": the recorder hands on, it does not call back into capture.
            var recorder = ActivatorUtilities.CreateInstance<EvidenceRecorder>(sp);
            var cameras = sp.GetRequiredService<CameraRegistry>();
            recorder.PhotoStored += (_, photo) => cameras.KeepOverlay(photo.Record.RecordId, OverlayFields.From(photo.Record), photo.Jpeg);
            return recorder;
        });
        services.AddSingleton<FindingLog>();
        services.AddSingleton<ProcedureTimerService>();
        services.TryAddSingleton<IClockSyncProbe, LinuxClockSyncProbe>();
        services.AddSingleton<ClockTrust>();
        services.AddSingleton(sp => DeviceKey.Open(sp.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.StateDirectory));
        services.AddSingleton<MqttUplinkService>();
        services.TryAddSingleton<ICommandHandler, DeviceCommandHandler>();
        services.AddSingleton(sp => TelemetryQueue.Open(Path.Combine(sp.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.StateDirectory, "telemetry.db"), sp.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.Outbox, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<EvidenceOutbox>().Condition));
        services.AddSingleton<ScanRouter>();
        services.AddSingleton<ScannerService>();
        services.AddSingleton<FindingAlertPublisher>();

        // Start order matters: metrics and alerts listen before anything can find something; cameras read before inputs fire.
        services.AddSingleton<AgentMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentMetrics>());
        services.AddHostedService(sp => sp.GetRequiredService<FindingAlertPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<CameraRegistry>());
        services.AddHostedService(sp => sp.GetRequiredService<EvidenceRecorder>()); // the stages' readers from the last: each is
        services.AddHostedService(sp => sp.GetRequiredService<CaptureStage>());     // reading before the one that feeds it, and the
        services.AddHostedService(sp => sp.GetRequiredService<ProcedureStage>());   // procedure stage stops first
        services.AddHostedService(sp => sp.GetRequiredService<LockInputService>());
        services.AddHostedService(sp => sp.GetRequiredService<ProcedureTimerService>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttUplinkService>());
        services.AddHostedService(sp => sp.GetRequiredService<ScannerService>());
        services.AddHostedService<StampFontStartupCheck>(); // warns of step names the stamps would draw as boxes

        // Health watches all of the above: health model, retained health topic, systemd watchdog.
        services.AddHealthReporting();
        return services;
    }
}
