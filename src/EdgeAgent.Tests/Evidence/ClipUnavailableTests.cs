using EdgeAgent.Capture.Clips;
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
        await using var rig = await RecorderRig.StartAsync(dir.Path, config, collection =>
        {
            if (source is not null)
            {
                collection.AddSingleton(source);
            }
        });
        var recorder = rig.Recorder;
        var raised = new List<Finding>();
        rig.Services.GetRequiredService<FindingLog>().Raised += (_, f) => { lock (raised) { raised.Add(f); } };
        var T = RecorderRig.Trigger;

        var first = await rig.Services.HandleTriggerAsync(T(TriggerKind.Manual, "button", "isolated"), default);
        await recorder.ClipsSettled().WaitAsync(TimeSpan.FromSeconds(60));
        var second = await rig.Services.HandleTriggerAsync(T(TriggerKind.LockOn, "lock-a"), default);

        var outbox = rig.Outbox;
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
    }

    public void Dispose() => dir.Dispose();
}
