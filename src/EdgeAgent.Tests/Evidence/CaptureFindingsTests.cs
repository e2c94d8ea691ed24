using EdgeAgent.Evidence;

namespace EdgeAgent.Tests.Evidence;

public sealed class CaptureFindingsTests
{
    private static readonly DateTimeOffset Edge = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static CaptureFindings Raise() => new(
        new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "button", Edge, 0),
        new StepDecision("WO-1", "loto", new ProcedureStep { Id = "isolate" }, 1, []));

    [Fact]
    public void Every_finding_is_stamped_with_the_trigger_point_and_edge_and_the_decision_job_and_step()
    {
        var finding = Raise().PostTriggerShort("cam-a", "2 of 3 frames");

        Assert.Equal(new Finding(FindingCodes.PostTriggerShort, "step 'isolate' camera cam-a: 2 of 3 frames", "conveyor-1", "WO-1", "isolate", Edge), finding);
    }

    [Fact]
    public void Capture_findings_keep_the_codes_and_texts_records_carry()
    {
        var raise = Raise();

        Assert.Equal("photo-missing: step 'isolate' wants camera cam-x, which is not a camera of point conveyor-1", raise.CameraNotOfPoint("cam-x").ToString());
        Assert.Equal("photo-missing: photo 2/3 of step 'isolate' from camera cam-a missing: gone", raise.PhotoMissing("cam-a", 2, 3, "gone").ToString());
        Assert.Equal("pre-trigger-unavailable: step 'isolate' asks for 4 frames from before the trigger but camera cam-a keeps no pre-trigger ring (set its PreTriggerMegabytes)", raise.NoPreTriggerRing("cam-a", 4).ToString());
        Assert.Equal("pre-trigger-unavailable: step 'isolate' asks for 4 frames from before the trigger but camera cam-a's ring holds only 1 of its frames (raise its PreTriggerMegabytes)", raise.PreTriggerRingTooSmall("cam-a", 4, 1).ToString());
        Assert.Equal("pre-trigger-unavailable: step 'isolate' asks for 4 frames from before the trigger but camera cam-a produced only 1 new frame(s); an older photo is not repeated", raise.PreTriggerTooFewNew("cam-a", 4, 1, null).ToString());
        Assert.Contains("produced only 1 new frame(s) since the previous trigger at ", raise.PreTriggerTooFewNew("cam-a", 4, 1, Edge.AddSeconds(-3)).ToString(), StringComparison.Ordinal);
        Assert.Equal("clip-unavailable: step 'isolate' asks for a clip of camera cam-a (5 s before to 10 s after the trigger), but why not", raise.ClipUnavailable("cam-a", new StepClip { PreSeconds = 5, PostSeconds = 10 }, "why not").ToString());
        Assert.Equal("clock-jump: wall clock jumped 1500 ms against the monotonic clock", raise.ClockJump(1500).ToString());
        Assert.Equal("bad-frame: frozen", raise.BadFrame("frozen").ToString());
        Assert.Equal(FindingCodes.StateLost, raise.OutboxLost(stateLost: true, "gone").Code);
        Assert.Equal(FindingCodes.OutboxQuarantined, raise.OutboxLost(stateLost: false, "gone").Code);
    }
}
