using EdgeAgent.Capture.Clips;
using EdgeAgent.Evidence;
using EdgeAgent.Tests.EndToEnd;

namespace EdgeAgent.Tests.Evidence;

/// <summary>
/// A step asks for a clip and the camera gives none (raw-only: null; the cut fails: an exception; no clip source at all):
/// the step's photo is recorded as ever, a <c>clip-unavailable</c> finding is raised at once and carried by the point's
/// next record, and nothing else is written in the clip's place.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClipUnavailableTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public static TheoryData<string> Answers => ["null", "throws", "ring-over-a-raw-camera"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_camera_without_a_clip_leaves_a_finding_on_the_next_record_and_loses_nothing(string answer)
    {
        IClipSource? source = answer switch
        {
            "null" => new FixedClipSource(null),
            "throws" => new FixedClipSource(null, failure: new IOException("remux failed: moov atom not found")),
            _ => null, // the agent's own RingClipSource, over the synthetic camera that has no compressed stream
        };
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        config["ProceduresDirectory"] = ClipEvidenceTests.WriteClipTemplate(dir.Combine("procedures"), preSeconds: 2, postSeconds: 1);
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton<IClockSyncProbe>(new FixedClockSyncProbe(true));
        if (source is not null)
        {
            collection.AddSingleton(source);
        }

        await using var services = collection.AddEdgeAgent(ConfigLoader.Build(AgentConfig.Write(dir.Path, config))).BuildServiceProvider();
        var cameras = services.GetRequiredService<CameraRegistry>();
        var firstFrame = cameras.Get("cam-1").NextFrameAsync();
        await cameras.StartAsync(default);
        await firstFrame.WaitAsync(TimeSpan.FromSeconds(30));
        var recorder = services.GetRequiredService<EvidenceRecorder>();
        var raised = new List<Finding>();
        services.GetRequiredService<FindingLog>().Raised += (_, f) => { lock (raised) { raised.Add(f); } };
        TriggerEvent T(TriggerKind kind, string input, string? step = null) => new("conveyor-1", kind, "test", input, DateTimeOffset.UtcNow, TimeProvider.System.GetTimestamp()) { StepId = step, Operator = "BADGE-0042" };

        var first = await recorder.HandleAsync(T(TriggerKind.Manual, "button", "isolated"), default);
        await recorder.ClipsSettled().WaitAsync(TimeSpan.FromSeconds(60));
        var second = await recorder.HandleAsync(T(TriggerKind.LockOn, "lock-a"), default);

        var outbox = services.GetRequiredService<EvidenceOutbox>();
        var records = (await outbox.PeekAsync(100)).Select(i => EvidenceRecord.FromJson(i.Record)).ToList();
        Assert.Equal([.. first.RecordIds, .. second.RecordIds], records.Select(r => r.RecordId)); // photos only, no clip record
        Assert.All(records, r => Assert.Null(r.Clip));
        var expected = answer switch
        {
            "null" => "the camera keeps no compressed stream",
            "throws" => "remux failed: moov atom not found",
            _ => "keeps no compressed stream",
        };
        var finding = Assert.Single(raised, f => f.Code == FindingCodes.ClipUnavailable);
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
        Assert.Contains("camera cam-1", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(records[0].Findings, f => f.StartsWith(FindingCodes.ClipUnavailable, StringComparison.Ordinal));
        Assert.Contains(records.Where(r => r.Step.Id == "locked").SelectMany(r => r.Findings), f => f.StartsWith(FindingCodes.ClipUnavailable + ":", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
        await cameras.StopAsync(default);
    }

    public void Dispose() => dir.Dispose();
}
