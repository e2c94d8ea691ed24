using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using EdgeAgent.Evidence;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Tests.Evidence;

/// <summary>The real recorder, procedure, cameras and outbox wired by <c>AddEdgeAgent</c>; cam-2 is dead, cam-9 does not exist.</summary>
public sealed class EvidenceRecorderTests : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        // The shipped conveyor template, except that "area-cleared" wants a camera the point does not have.
        var procedures = dir.Combine("procedures");
        Directory.CreateDirectory(procedures);
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        template["steps"]![3]!["capture"] = new JsonObject { ["cameras"] = new JsonArray("cam-1", "cam-9"), ["photos"] = 2 };
        File.WriteAllText(Path.Combine(procedures, "conveyor-lockout.json"), template.ToJsonString());
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        config["ProceduresDirectory"] = procedures;
        config["Points"]![0]!["Cameras"] = new JsonArray("cam-1", "cam-2");
        config["Cameras"]!.AsArray().Add(new JsonObject { ["Id"] = "cam-2", ["Kind"] = "synthetic", ["Width"] = 320, ["Height"] = 240, ["Fps"] = 20, ["FreshFrameWaitMs"] = 100, ["OutageWaitMs"] = 200 });
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
    public async Task Whole_job_leaves_a_signed_chain_and_every_missing_photo_is_a_finding_and_a_completeness_failure()
    {
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
            await services.HandleTriggerAsync(trigger, CancellationToken.None);
        }

        var items = await services.GetRequiredService<EvidenceOutbox>().PeekAsync(100);
        var records = items.Select(i => EvidenceRecord.FromJson(i.Record)).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], records.Select(r => r.Sequence));
        var cleared = records.Where(r => r.Step.Id == "area-cleared").ToList();
        Assert.Equal([1, 2], cleared.Select(r => r.Step.Photo));
        Assert.True(cleared[1].Frame.Sequence > cleared[0].Frame.Sequence); // a second photo is a newer frame
        Assert.Contains(cleared[0].Findings, f => f.StartsWith("photo-missing: step 'area-cleared' wants camera cam-9", StringComparison.Ordinal));
        Assert.All(records, r => Assert.Equal("cam-1", r.Frame.CameraId));
        Assert.All(records, r => Assert.Equal("3f1c2d9e-0000-4000-8000-000000000001", r.Clock!.BootId));
        Assert.Equal("completed", records[^1].WorkOrder.Status);
        Assert.Equal(5, findings.Count(f => f.Code == FindingCodes.PhotoMissing && f.Message.Contains("camera cam-2", StringComparison.Ordinal)));
        Assert.Contains(records[1].Findings, f => f.StartsWith("photo-missing: photo 1/1 of step 'locked' from camera cam-2", StringComparison.Ordinal));

        var root = dir.Combine("collector");
        var store = new EvidenceStore(root);
        foreach (var item in items)
        {
            store.Store(EvidenceRecord.FromJson(item.Record), item.Record, item.Image);
        }

        using var keys = new EnrolledKeys();
        keys.Add("test-device", DeviceKey.ImportPublicKey(services.GetRequiredService<DeviceKey>().PublicKeyPem));
        var report = EvidenceVerifier.Verify(root, keys, ProcedureTemplate.LoadDirectory(dir.Combine("procedures")));
        var incomplete = Assert.Single(report.Failures); // the chain is intact; only cam-9's photos are missing
        Assert.Contains("step 'area-cleared' has 0 of 2 photos from camera cam-9", incomplete.Detail);
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
