using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using EdgeAgent.Capture;
using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;
using EdgeAgent.Hosting;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Triggers;
using EdgeAgent.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Tests.Evidence;

/// <summary>The real recorder, procedure, cameras and outbox wired by <c>AddEdgeAgent</c>; one camera is dead.</summary>
public sealed class EvidenceRecorderTests : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        config["Points"]![0]!["Cameras"] = new JsonArray("cam-1", "cam-2");
        config["Cameras"]!.AsArray().Add(new JsonObject { ["Id"] = "cam-2", ["Kind"] = "synthetic", ["Width"] = 320, ["Height"] = 240, ["Fps"] = 20, ["FreshFrameWaitMs"] = 100 });
        var configuration = ConfigLoader.Build(AgentConfig.Write(dir.Path, config));
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton<IFrameSourceFactory>(sp => new DeadCam2Factory(new FrameSourceFactory(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)));
        collection.AddSingleton<IClockSyncProbe>(new FixedClockSyncProbe(true));
        services = collection.AddEdgeAgent(configuration).BuildServiceProvider();
        var cameras = services.GetRequiredService<CameraRegistry>();
        var firstFrame = cameras.Get("cam-1").NextFrameAsync();
        await cameras.StartAsync(default);
        await firstFrame.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Whole_job_leaves_a_signed_chain_that_verify_accepts_and_the_dead_camera_is_a_finding()
    {
        var recorder = services.GetRequiredService<EvidenceRecorder>();
        var findings = new List<Finding>();
        services.GetRequiredService<FindingLog>().Raised += (_, f) => { lock (findings) { findings.Add(f); } };
        var time = TimeProvider.System;
        TriggerEvent T(TriggerKind kind, string input, string? step = null) =>
            new("conveyor-1", kind, "test", input, time.GetUtcNow(), time.GetTimestamp()) { StepId = step, Operator = "BADGE-0042" };

        foreach (var trigger in new[]
        {
            T(TriggerKind.Manual, "button", "isolated"), T(TriggerKind.LockOn, "lock-a"), T(TriggerKind.Manual, "button", "zero-energy-verified"),
            T(TriggerKind.Manual, "button", "area-cleared"), T(TriggerKind.LockOff, "lock-a"), T(TriggerKind.Manual, "button", "restored"),
        })
        {
            await recorder.HandleAsync(trigger, CancellationToken.None);
        }

        var items = await services.GetRequiredService<EvidenceOutbox>().PeekAsync(100);
        var records = items.Select(i => EvidenceRecord.FromJson(i.Record)).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6], records.Select(r => r.Sequence));
        Assert.All(records, r => Assert.Equal("cam-1", r.Frame.CameraId));
        Assert.All(records, r => Assert.Equal("3f1c2d9e-0000-4000-8000-000000000001", r.Clock!.BootId));
        Assert.Equal("completed", records[^1].WorkOrder.Status);
        Assert.Equal(6, findings.Count(f => f.Code == FindingCodes.PhotoMissing));
        Assert.Contains(records[1].Findings, f => f.StartsWith("photo-missing: photo 1/1 of step 'locked' from camera cam-2", StringComparison.Ordinal));

        var root = dir.Combine("collector");
        var store = new EvidenceStore(root);
        foreach (var item in items)
        {
            store.Store(EvidenceRecord.FromJson(item.Record), item.Record, item.Image);
        }

        using var keys = new EnrolledKeys();
        keys.Add("test-device", DeviceKey.ImportPublicKey(services.GetRequiredService<DeviceKey>().PublicKeyPem));
        var report = EvidenceVerifier.Verify(root, keys, ProcedureTemplate.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "procedures")));
        Assert.True(report.Ok, string.Join("\n", report.Problems));
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        dir.Dispose();
    }

    private sealed class DeadCam2Factory(IFrameSourceFactory real) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => camera.Id == "cam-2" ? new DeadSource() : real.Create(camera);
    }

    /// <summary>A camera that connects and never delivers a frame.</summary>
    private sealed class DeadSource : IFrameSource
    {
        public string Describe() => "dead";

        public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }
    }
}
